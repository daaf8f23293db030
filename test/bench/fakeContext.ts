import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Disposable, enums, Uri } from './fakeVscodeTypes';
import { permissive, withFallback } from './permissive';

const noEvent = (): Disposable => new Disposable();

/** An ExtensionContext over private temp folders; unknown members are stand-ins. */
export function createFakeContext(extensionRoot: string, storageDir: string): { context: object; subscriptions: unknown[] } {
  const subscriptions: unknown[] = [];
  const memento = (): object => {
    const values = new Map<string, unknown>();
    return {
      get: (key: string, fallback?: unknown) => (values.has(key) ? values.get(key) : fallback),
      update: async (key: string, value: unknown) => void values.set(key, value),
      keys: () => [...values.keys()],
      setKeysForSync: () => {},
    };
  };
  const packageJson = JSON.parse(readFileSync(join(extensionRoot, 'package.json'), 'utf8')) as { publisher: string; name: string };
  const extensionUri = Uri.file(extensionRoot);
  const context = withFallback({
    subscriptions,
    extensionPath: extensionRoot,
    extensionUri,
    extensionMode: enums.ExtensionMode.Production,
    asAbsolutePath: (relative: string) => join(extensionRoot, relative),
    globalStorageUri: Uri.file(join(storageDir, 'global')),
    globalStoragePath: join(storageDir, 'global'),
    storageUri: Uri.file(join(storageDir, 'workspace')),
    storagePath: join(storageDir, 'workspace'),
    logUri: Uri.file(join(storageDir, 'log')),
    logPath: join(storageDir, 'log'),
    globalState: memento(),
    workspaceState: memento(),
    secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: noEvent },
    environmentVariableCollection: permissive(),
    extension: { id: `${packageJson.publisher}.${packageJson.name}`, extensionUri, extensionPath: extensionRoot, isActive: true, packageJSON: packageJson, extensionKind: enums.ExtensionKind.Workspace, exports: undefined },
  });
  return { context, subscriptions };
}
