/**
 * Entry of a bench child process: runs the upstream or one proxy under test, alone in its process so the
 * parent can read exactly its CPU time from /proc. Talks to the parent over the fork IPC channel.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { BenchServer } from './benchServer';
import { startCaptureServer } from './captureServer';
import type { ChildMessage, MemoryFigures, ParentMessage, ServerChildSpec } from './childProtocol';
import { startNaiveRecorder } from './naiveRecorderProxy';
import { startPassThrough } from './passThroughProxy';
import { startUpstream } from './upstreamServer';

function reply(message: ChildMessage): void {
  process.send?.(message);
}

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

/** Memory after the recorder's queued writes and two full collections, so only what is really retained counts. */
async function measureMemory(server: BenchServer): Promise<MemoryFigures> {
  await server.settle();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run this child with --expose-gc to measure memory');
  gc();
  await nextTurn();
  gc();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers, recorded: server.recorded() };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ServerChildSpec;
  const server = await start(spec);
  // A parent that dies must not leave servers behind.
  process.once('disconnect', () => process.exit(0));
  process.on('message', (message: ParentMessage) => {
    const handle = async (): Promise<MemoryFigures | undefined> => {
      if (message.type === 'settle') await server.settle();
      else if (message.type === 'memory') return measureMemory(server);
      else await server.close();
      return undefined;
    };
    handle().then(
      (memory) => {
        reply({ id: message.id, type: 'done', memory });
        // Exit only after the reply is out; a --cpu-prof child writes its profile on this exit.
        if (message.type === 'close') setImmediate(() => process.exit(0));
      },
      (error: unknown) => {
        console.error(`[bench child ${spec.role}]`, error);
        process.exit(1);
      },
    );
  });
  reply({ type: 'ready', port: server.port });
}

main().catch((error: unknown) => {
  reply({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exit(1);
});
