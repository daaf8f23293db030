/**
 * Entry of a fresh process that loads the production bundle under a fake `vscode` module, runs
 * `activate(context)` once, and reports the times and whether the ngrok SDK was loaded (it must load lazily,
 * on Start Tunnel, never at activation: its native addon alone costs more than the whole activation budget).
 */
import Module from 'node:module';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFakeContext } from './fakeContext';
import { createFakeVscode } from './fakeVscode';

export interface ActivateSample {
  readonly loadMs?: number;
  readonly activateMs?: number;
  readonly commands?: number;
  readonly ngrokModules: readonly string[];
  readonly error?: string;
}

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
type Resolver = (request: string, ...rest: unknown[]) => string;
const internals = Module as unknown as { _load: Loader; _resolveFilename: Resolver; _cache: Record<string, unknown> };

const FAKE_ID = 'vscode';
/** After activate resolves, time for anything it kicked off in the background to load modules too. */
const SETTLE_MS = 300;

function installFake(exports: object, ngrokRequests: string[]): void {
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === FAKE_ID ? FAKE_ID : resolve.call(this, request, ...rest);
  };
  internals._cache[FAKE_ID] = { id: FAKE_ID, filename: FAKE_ID, loaded: true, exports, children: [], paths: [] };
  const load = internals._load;
  internals._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
    if (NGROK.test(request)) ngrokRequests.push(request);
    return load.call(this, request, parent, isMain);
  };
}

/** The SDK's package and its platform packages (`@ngrok/ngrok-linux-x64-gnu`, …), by request or by resolved path. */
const NGROK = /(^|[\\/])@ngrok[\\/]/;

function loadedNgrokModules(ngrokRequests: readonly string[]): string[] {
  const cached = Object.keys(internals._cache).filter((key) => NGROK.test(key));
  const builtins = ((process as unknown as { moduleLoadList?: string[] }).moduleLoadList ?? []).filter((name) => /ngrok/i.test(name));
  return [...new Set([...ngrokRequests, ...cached, ...builtins])];
}

async function measure(bundlePath: string, extensionRoot: string, workspaceDir: string, storageDir: string): Promise<ActivateSample> {
  const ngrokRequests: string[] = [];
  const fake = createFakeVscode(extensionRoot, workspaceDir);
  installFake(fake.module, ngrokRequests);
  const { context } = createFakeContext(extensionRoot, storageDir);
  const t0 = performance.now();
  const extension = Module.createRequire(bundlePath)(bundlePath) as { activate?: (context: object) => unknown };
  const t1 = performance.now();
  if (typeof extension.activate !== 'function') return { loadMs: t1 - t0, ngrokModules: loadedNgrokModules(ngrokRequests), error: 'the bundle exports no activate()' };
  await extension.activate(context);
  const t2 = performance.now();
  await sleep(SETTLE_MS);
  return { loadMs: t1 - t0, activateMs: t2 - t1, commands: fake.registeredCommands.size, ngrokModules: loadedNgrokModules(ngrokRequests) };
}

async function main(): Promise<void> {
  const [bundlePath, extensionRoot, workspaceDir, storageDir] = process.argv.slice(2);
  if (!bundlePath || !extensionRoot || !workspaceDir || !storageDir) throw new Error('usage: activateChild BUNDLE ROOT WORKSPACE STORAGE');
  let sample: ActivateSample;
  try {
    sample = await measure(bundlePath, extensionRoot, workspaceDir, storageDir);
  } catch (error) {
    sample = { ngrokModules: [], error: error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 3).join(' | ') : String(error) };
  }
  // Whatever activate left running (watchers, timers) must not keep this process alive.
  process.send?.(sample, () => process.exit(0));
}

void main();
