import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { enums, FileSystemError } from './fakeVscodeTypes';
import type { Uri } from './fakeVscodeTypes';

/** Node errors as VS Code's file system API reports them, so "no config file yet" paths behave as in VS Code. */
async function mapped<T>(uri: Uri, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw FileSystemError.FileNotFound(uri);
    if (code === 'EEXIST') throw FileSystemError.FileExists(uri);
    if (code === 'EACCES' || code === 'EPERM') throw FileSystemError.NoPermissions(uri);
    throw error;
  }
}

/** `vscode.workspace.fs` over the real disk, for file:// URIs. */
export const workspaceFs = {
  readFile: (uri: Uri) => mapped(uri, async () => new Uint8Array(await readFile(uri.fsPath))),
  writeFile: (uri: Uri, content: Uint8Array) => mapped(uri, () => writeFile(uri.fsPath, content)),
  createDirectory: (uri: Uri) => mapped(uri, async () => void (await mkdir(uri.fsPath, { recursive: true }))),
  delete: (uri: Uri, options?: { recursive?: boolean }) => mapped(uri, () => rm(uri.fsPath, { recursive: options?.recursive ?? false })),
  stat: (uri: Uri) =>
    mapped(uri, async () => {
      const info = await stat(uri.fsPath);
      const type = info.isDirectory() ? enums.FileType.Directory : info.isFile() ? enums.FileType.File : enums.FileType.Unknown;
      return { type, ctime: info.ctimeMs, mtime: info.mtimeMs, size: info.size };
    }),
  readDirectory: (uri: Uri) =>
    mapped(uri, async () =>
      (await readdir(uri.fsPath, { withFileTypes: true })).map((entry) => [entry.name, entry.isDirectory() ? enums.FileType.Directory : enums.FileType.File] as const),
    ),
};
