// Shared by the package tests: builds VSIX files with scripts/package.mjs (once per target per mocha run, in a
// scratch folder, so out/vsix and out/package of a developer's own `npm run package` are left alone), and reads them.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
export const sdkVersion = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', '@ngrok', 'ngrok', 'package.json'), 'utf8')) as { version: string }).version;

/** The mapping, written out again here so the test does not trust the script's own table. */
export const NATIVE_TRIPLES: Readonly<Record<string, string>> = {
  'win32-x64': 'win32-x64-msvc',
  'win32-arm64': 'win32-arm64-msvc',
  'linux-x64': 'linux-x64-gnu',
  'linux-arm64': 'linux-arm64-gnu',
  'linux-armhf': 'linux-arm-gnueabihf',
  'alpine-x64': 'linux-x64-musl',
  'alpine-arm64': 'linux-arm64-musl',
  'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64',
};

export interface Packaged {
  readonly target: string;
  readonly vsix: string;
  /** The tree vsce packed: <scratch>/staging/<target>. */
  readonly stagingDir: string;
  /** What `node scripts/package.mjs` printed on stderr (its progress and sizes). */
  readonly log: string;
}

let scratch: string | undefined;
const built = new Map<string, Promise<Packaged>>();

function scratchDir(): string {
  if (!scratch) {
    const dir = mkdtempSync(join(tmpdir(), 'wt-package-test-'));
    scratch = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

/** Runs node with the given arguments from the repo root; rejects with its output when it fails. */
export function runNode(args: readonly string[], cwd = repoRoot, timeoutMs = 240_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`node ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolvePromise({ stdout, stderr });
    });
  });
}

/** `npm run package -- --target <target>`, into the scratch folder. */
export function packageTarget(target: string): Promise<Packaged> {
  let pending = built.get(target);
  if (!pending) {
    const dir = scratchDir();
    const stagingRoot = join(dir, 'staging');
    const outDir = join(dir, 'vsix');
    pending = runNode(['scripts/package.mjs', '--target', target, '--staging-dir', stagingRoot, '--out-dir', outDir]).then(({ stderr }) => {
      process.stdout.write(stderr.replace(/^/gm, '      '));
      return { target, vsix: join(outDir, `webhook-tunnel-${target}-${version}.vsix`), stagingDir: join(stagingRoot, target), log: stderr };
    });
    built.set(target, pending);
  }
  return pending;
}

/** `vsce <args>` in `cwd`, its stdout split into lines. */
export async function vsce(args: readonly string[], cwd: string): Promise<string[]> {
  const { stdout } = await runNode([join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), ...args], cwd);
  return stdout.split(/\r?\n/).filter((line) => line.trim() !== '');
}

export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  readonly compressedSize: number;
  read(): Buffer;
}

/** The entries of a zip file (a VSIX), read from its central directory. */
export function zipEntries(file: string): ZipEntry[] {
  const zip = readFileSync(file);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${file}: no end of central directory; not a zip file`);
  const entries: ZipEntry[] = [];
  let at = zip.readUInt32LE(end + 16);
  for (let i = zip.readUInt16LE(end + 10); i > 0; i--) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory header at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    entries.push({
      name,
      size,
      compressedSize,
      read: () => {
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const raw = zip.subarray(start, start + compressedSize);
        return method === 0 ? Buffer.from(raw) : inflateRawSync(raw);
      },
    });
    at += 46 + skip;
  }
  return entries;
}

/** Names of the `@ngrok/ngrok-*` native packages inside a VSIX. */
export function nativePackagesIn(entries: readonly ZipEntry[]): string[] {
  const names = new Set<string>();
  for (const { name } of entries) {
    const match = /^extension\/node_modules\/@ngrok\/(ngrok-[^/]+)\//.exec(name);
    if (match) names.add(match[1]!);
  }
  return [...names].sort();
}

export const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
