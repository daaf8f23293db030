/**
 * Entry of a bench child process: runs the upstream or one proxy under test, alone in its process so the
 * parent can read exactly its CPU time from /proc. Talks to the parent over the fork IPC channel (childLoop.ts).
 */
import type { BenchServer } from './benchServer';
import { startCaptureServer } from './captureServer';
import { failStart, serveParent } from './childLoop';
import type { ServerChildSpec } from './childProtocol';
import { startNaiveRecorder } from './naiveRecorderProxy';
import { startPassThrough } from './passThroughProxy';
import { startUpstream } from './upstreamServer';

function start(spec: ServerChildSpec): Promise<BenchServer> {
  if (spec.role === 'upstream') return startUpstream();
  const upstream = spec.upstream;
  const scratchDir = spec.scratchDir;
  if (upstream === undefined || scratchDir === undefined) throw new Error(`${spec.role} needs an upstream and a scratch folder.`);
  if (spec.role === 'passThrough') return startPassThrough(new URL(upstream));
  if (spec.role === 'naive') return startNaiveRecorder(new URL(upstream), scratchDir);
  if (!spec.capture) throw new Error('capture needs its settings.');
  return startCaptureServer(upstream, spec.role === 'captureBare' ? undefined : scratchDir, spec.capture);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ServerChildSpec;
  serveParent(spec.role, await start(spec));
}

main().catch(failStart);
