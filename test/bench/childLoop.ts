/**
 * The child side of the fork IPC protocol (childProtocol.ts), shared by every bench child that serves:
 * answer `settle`, `memory` and `close` from the parent, and exit when the parent goes away.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { BenchServer } from './benchServer';
import type { ChildMessage, MemoryFigures, ParentMessage, ReadyMessage } from './childProtocol';

export function reply(message: ChildMessage): void {
  process.send?.(message);
}

/** Memory after the recorder's queued writes and two full collections, so only what is really retained counts. */
export async function measureMemory(server: Pick<BenchServer, 'settle' | 'recorded'>): Promise<MemoryFigures> {
  await server.settle();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run this child with --expose-gc to measure memory');
  gc();
  await nextTurn();
  gc();
  const usage = process.memoryUsage();
  const youngGeneration = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
  return { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, youngGeneration, external: usage.external, arrayBuffers: usage.arrayBuffers, recorded: server.recorded() };
}

/** Serves the parent's requests for `server`, then says `ready`. */
export function serveParent(name: string, server: BenchServer, ready: Omit<ReadyMessage, 'type' | 'port'> = {}): void {
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
        console.error(`[bench child ${name}]`, error);
        process.exit(1);
      },
    );
  });
  reply({ type: 'ready', port: server.port, ...ready });
}

/** Reports a child that could not start, and exits. */
export function failStart(error: unknown): void {
  reply({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exit(1);
}
