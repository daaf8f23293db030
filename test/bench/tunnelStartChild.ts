/**
 * Entry of a fresh process that times Start Tunnel against the local edge: from TunnelController.start() to the
 * `on` state, which is what the status bar renders the URL from. The process has loaded the extension's core
 * modules but not the SDK, exactly as the extension host has after activate(), so the SDK's lazy first
 * `import('@ngrok/ngrok')` (native module included) lands inside the measured time.
 *
 * The SDK load is timed from the same run: from the controller's second `starting` state (PublicTunnel says
 * `connecting` just before connectSession() calls import()) to the end of loading the SDK's main module, seen
 * by wrapping Module._load (Node 20 loads a CommonJS package imported by import() through it). After a stop, a
 * second start in the same process shows the same path with the SDK already loaded.
 */
import Module from 'node:module';
import { performance } from 'node:perf_hooks';
import type { TunnelState } from '../../src/core/tunnel/tunnelState';
import { TunnelController } from '../../src/core/tunnel/tunnelController';
import type { EdgeInfo } from './childProtocol';
import type { CaptureSettings } from './captureServer';
import { benchPublicSettings, controllerCaptureSettings } from './tunnelAgent';

export interface TunnelStartSpec {
  readonly edge: EdgeInfo;
  readonly upstream: string;
  readonly capture: CaptureSettings;
}

export interface TunnelStartSample {
  /** start() → state `on`, first start in this process (SDK not yet loaded). */
  readonly toUrlMs?: number;
  /** start() → the capture proxy listening (the second `starting` state). */
  readonly proxyMs?: number;
  /** The SDK's first load: import('@ngrok/ngrok') called → its main module evaluated (native addon included). */
  readonly sdkLoadMs?: number;
  /** SDK loaded → `on`: SessionBuilder, TLS + Auth, Bind (listen), forward. */
  readonly connectMs?: number;
  /** A second start → `on` in the same process after a stop: the SDK already loaded. */
  readonly warmToUrlMs?: number;
  readonly url?: string;
  readonly error?: string;
}

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const internals = Module as unknown as { _load: Loader };

/** The SDK package's main module, as a bare request (require) or as the resolved path (import()). */
const SDK_MAIN = /(^|[\\/])@ngrok[\\/]ngrok([\\/]index\.js)?$/;
let sdkLoadedAt: number | undefined;
let sdkLoadsSeen = 0;

function watchSdkLoad(): void {
  const load = internals._load;
  internals._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
    if (!SDK_MAIN.test(request)) return load.call(this, request, parent, isMain);
    try {
      return load.call(this, request, parent, isMain);
    } finally {
      sdkLoadsSeen++;
      sdkLoadedAt ??= performance.now();
    }
  };
}

const isLoaded = (): boolean => Object.keys(require.cache).some((key) => /[\\/]@ngrok[\\/]ngrok[\\/]/.test(key));

async function timeStart(controller: TunnelController, spec: TunnelStartSpec): Promise<{ readonly t0: number; readonly marks: readonly { kind: TunnelState['kind']; at: number }[]; readonly state: TunnelState }> {
  const marks: { kind: TunnelState['kind']; at: number }[] = [];
  const subscription = controller.onDidChangeState((state) => marks.push({ kind: state.kind, at: performance.now() }));
  const t0 = performance.now();
  const state = await controller.start(controllerCaptureSettings(spec.upstream, spec.capture), benchPublicSettings(spec.edge));
  subscription.dispose();
  return { t0, marks, state };
}

async function measure(spec: TunnelStartSpec): Promise<TunnelStartSample> {
  if (isLoaded()) return { error: 'the SDK was loaded before Start Tunnel' };
  watchSdkLoad();
  const controller = new TunnelController(() => undefined);
  const first = await timeStart(controller, spec);
  if (first.state.kind !== 'on') return { error: `the tunnel did not come up: ${JSON.stringify(first.state)}` };
  const onAt = first.marks.find((mark) => mark.kind === 'on')!.at;
  const connectingAt = first.marks.filter((mark) => mark.kind === 'starting')[1]?.at;
  const sample: TunnelStartSample = {
    toUrlMs: onAt - first.t0,
    url: first.state.url,
    ...(connectingAt !== undefined ? { proxyMs: connectingAt - first.t0 } : {}),
    ...(connectingAt !== undefined && sdkLoadedAt !== undefined && sdkLoadsSeen > 0
      ? { sdkLoadMs: sdkLoadedAt - connectingAt, connectMs: onAt - sdkLoadedAt }
      : {}),
  };
  await controller.stop();
  const second = await timeStart(controller, spec);
  const secondOn = second.marks.find((mark) => mark.kind === 'on')?.at;
  await controller.stop();
  return { ...sample, ...(secondOn !== undefined ? { warmToUrlMs: secondOn - second.t0 } : {}) };
}

async function main(): Promise<void> {
  // A parent that dies mid-sample must not leave this process (and its SDK session) behind.
  process.once('disconnect', () => process.exit(0));
  const spec = JSON.parse(process.argv[2] ?? '{}') as TunnelStartSpec;
  let sample: TunnelStartSample;
  try {
    sample = await measure(spec);
  } catch (error) {
    sample = { error: error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 3).join(' | ') : String(error) };
  }
  // The SDK's session socket and runtime threads must not keep this process alive.
  process.send?.(sample, () => process.exit(0));
}

void main();
