import { Agent } from 'node:http';
import { BenchChild } from './benchChild';
import type { BenchPlan } from './benchConfig';
import type { MemoryFigures } from './childProtocol';
import { runRound } from './loadGenerator';
import type { LoadTarget } from './loadGenerator';
import { webhookBody, webhookHeaders } from './payloads';

export interface MemoryGrowth {
  readonly exchanges: number;
  readonly failed: number;
  readonly firstError?: string;
  readonly baseline: MemoryFigures;
  /** Memory after each quarter of the run: a plateau is a bounded store, a steady climb is a leak. */
  readonly checkpoints: readonly (MemoryFigures & { readonly afterExchanges: number })[];
  readonly rssGrowthBytes: number;
  readonly heapGrowthBytes: number;
}

const CHECKPOINTS = 4;

/**
 * Capture proxy and history store in one fresh process (as in the extension host), 2 KB webhooks:
 * memory after a warmup versus after `memoryExchanges` more, each read after flushing the store and forcing GC.
 */
export async function measureMemoryGrowth(upstreamOrigin: string, historyDir: string, plan: BenchPlan, progress: (line: string) => void): Promise<MemoryGrowth> {
  const child = await BenchChild.start(
    { role: 'capture', upstream: upstreamOrigin, scratchDir: historyDir, capture: { maxEntries: plan.maxEntries, maxBodyBytes: plan.maxBodyBytes, upstreamTimeoutMs: plan.upstreamTimeoutMs } },
    ['--expose-gc'],
  );
  const body = webhookBody(2 * 1024);
  const target: LoadTarget = {
    port: child.port,
    path: '/webhooks/github',
    headers: webhookHeaders(body),
    body,
    agent: new Agent({ keepAlive: true, maxSockets: plan.memoryConcurrency, maxFreeSockets: plan.memoryConcurrency }),
  };
  try {
    progress(`memory: warming up with ${plan.memoryWarmupExchanges} exchanges`);
    await runRound(target, plan.memoryConcurrency, { requests: plan.memoryWarmupExchanges });
    const baseline = await child.memory();
    const checkpoints: MemoryGrowth['checkpoints'][number][] = [];
    let sent = 0;
    let failed = 0;
    let firstError: string | undefined;
    for (let i = 1; i <= CHECKPOINTS; i++) {
      const requests = Math.round((plan.memoryExchanges * i) / CHECKPOINTS) - sent;
      const result = await runRound(target, plan.memoryConcurrency, { requests });
      sent += requests;
      failed += result.failed;
      firstError ??= result.firstError;
      checkpoints.push({ ...(await child.memory()), afterExchanges: sent });
      progress(`memory: ${sent} exchanges`);
    }
    const last = checkpoints[checkpoints.length - 1]!;
    return {
      exchanges: last.recorded - baseline.recorded,
      failed,
      ...(firstError === undefined ? {} : { firstError }),
      baseline,
      checkpoints,
      rssGrowthBytes: last.rss - baseline.rss,
      heapGrowthBytes: last.heapUsed - baseline.heapUsed,
    };
  } finally {
    target.agent.destroy();
    await child.close();
  }
}
