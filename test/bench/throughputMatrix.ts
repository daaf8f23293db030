import { Agent } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import type { MatrixPlan, VariantId } from './benchConfig';
import { processCpuMicros } from './cpuTime';
import type { LoadTarget } from './loadGenerator';
import { runRound } from './loadGenerator';
import { webhookBody, webhookHeaders } from './payloads';
import { percentile } from './stats';

/** Something to send load to: the upstream itself or a proxy in front of it. */
export interface MeasuredVariant {
  readonly id: VariantId;
  readonly port: number;
  /** The process whose CPU time is charged to this variant; none for `direct` (there is no proxy). */
  readonly cpuPid?: number;
  /** Tunnels: the edge's process, read too so the table shows what the edge spends per request. */
  readonly edgeCpuPid?: number;
  /** Tunnels: `<name>.localhost:<publicPort>`, which routes a request to this tunnel at the edge's public port. */
  readonly hostHeader?: string;
  settle(): Promise<void>;
}

export interface CellFigures {
  readonly bodyBytes: number;
  readonly concurrency: number;
  readonly variant: VariantId;
  readonly requests: number;
  readonly failed: number;
  readonly firstError?: string;
  readonly seconds: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Proxy-process CPU per completed request, µs; null when there is no proxy process. */
  readonly cpuUsPerRequest: number | null;
  /** Tunnels: the edge process's CPU per completed request, µs. */
  readonly edgeCpuUsPerRequest?: number;
}

interface Tally {
  completed: number;
  failed: number;
  elapsedMs: number;
  cpuMicros: number;
  edgeCpuMicros: number;
  firstError?: string;
  readonly latenciesMs: number[];
}

const WEBHOOK_PATH = '/webhooks/github';

/** The cell's headers, plus the Host that routes to the variant's tunnel (the client connects to 127.0.0.1). */
function headersFor(variant: MeasuredVariant, headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return variant.hostHeader === undefined ? headers : { ...headers, Host: variant.hostHeader };
}

/**
 * Every body size × concurrency cell, each measured as interleaved rounds: round r runs every variant once,
 * starting from a different variant each time, so a noisy neighbour or a thermal dip lands on all of them
 * alike instead of on whichever variant happened to run then.
 */
export async function runMatrix(variants: readonly MeasuredVariant[], plan: MatrixPlan, progress: (line: string) => void): Promise<CellFigures[]> {
  progress('matrix: initial warmup');
  await warmUp(variants, plan);
  const figures: CellFigures[] = [];
  for (const bodyBytes of plan.bodySizes) {
    const body = webhookBody(bodyBytes);
    const headers = webhookHeaders(body);
    for (const concurrency of plan.concurrencies) {
      progress(`matrix: ${bodyBytes / 1024} KB × c${concurrency}`);
      figures.push(...(await runCell(variants, plan, body, headers, concurrency)));
    }
  }
  return figures;
}

async function warmUp(variants: readonly MeasuredVariant[], plan: MatrixPlan): Promise<void> {
  const concurrency = Math.max(...plan.concurrencies);
  for (const bodyBytes of plan.bodySizes) {
    const body = webhookBody(bodyBytes);
    for (const variant of variants) {
      const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
      await runRound({ port: variant.port, path: WEBHOOK_PATH, headers: headersFor(variant, webhookHeaders(body)), body, agent }, concurrency, { durationMs: plan.initialWarmupMs / plan.bodySizes.length });
      agent.destroy();
      await variant.settle();
    }
  }
}

async function runCell(
  variants: readonly MeasuredVariant[],
  plan: MatrixPlan,
  body: Buffer,
  headers: OutgoingHttpHeaders,
  concurrency: number,
): Promise<CellFigures[]> {
  const targets: LoadTarget[] = variants.map((variant) => ({
    port: variant.port,
    path: WEBHOOK_PATH,
    headers: headersFor(variant, headers),
    body,
    agent: new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency }),
  }));
  const tallies: Tally[] = variants.map(() => ({ completed: 0, failed: 0, elapsedMs: 0, cpuMicros: 0, edgeCpuMicros: 0, latenciesMs: [] }));
  try {
    for (const [i, variant] of variants.entries()) {
      await runRound(targets[i]!, concurrency, { durationMs: plan.warmupMs });
      await variant.settle();
    }
    for (let round = 0; round < plan.rounds; round++) {
      for (let k = 0; k < variants.length; k++) {
        const i = (round + k) % variants.length;
        await measureRound(variants[i]!, targets[i]!, tallies[i]!, concurrency, plan.roundMs);
      }
    }
  } finally {
    for (const target of targets) target.agent.destroy();
  }
  return variants.map((variant, i) => summarize(variant, tallies[i]!, body.length, concurrency));
}

async function measureRound(variant: MeasuredVariant, target: LoadTarget, tally: Tally, concurrency: number, roundMs: number): Promise<void> {
  const cpuBefore = variant.cpuPid === undefined ? 0 : processCpuMicros(variant.cpuPid);
  const edgeBefore = variant.edgeCpuPid === undefined ? 0 : processCpuMicros(variant.edgeCpuPid);
  const result = await runRound(target, concurrency, { durationMs: roundMs });
  // Work the round's requests queued (history writes) is theirs, even if it finishes after the last response.
  await variant.settle();
  const cpuAfter = variant.cpuPid === undefined ? 0 : processCpuMicros(variant.cpuPid);
  const edgeAfter = variant.edgeCpuPid === undefined ? 0 : processCpuMicros(variant.edgeCpuPid);
  tally.completed += result.completed;
  tally.failed += result.failed;
  tally.elapsedMs += result.elapsedMs;
  tally.cpuMicros += cpuAfter - cpuBefore;
  tally.edgeCpuMicros += edgeAfter - edgeBefore;
  tally.firstError ??= result.firstError;
  for (const latency of result.latenciesMs) tally.latenciesMs.push(latency);
}

function summarize(variant: MeasuredVariant, tally: Tally, bodyBytes: number, concurrency: number): CellFigures {
  return {
    bodyBytes,
    concurrency,
    variant: variant.id,
    requests: tally.completed,
    failed: tally.failed,
    ...(tally.firstError === undefined ? {} : { firstError: tally.firstError }),
    seconds: tally.elapsedMs / 1000,
    reqPerSec: tally.completed / (tally.elapsedMs / 1000),
    p50Ms: percentile(tally.latenciesMs, 50),
    p99Ms: percentile(tally.latenciesMs, 99),
    cpuUsPerRequest: variant.cpuPid === undefined || tally.completed === 0 ? null : tally.cpuMicros / tally.completed,
    ...(variant.edgeCpuPid === undefined || tally.completed === 0 ? {} : { edgeCpuUsPerRequest: tally.edgeCpuMicros / tally.completed }),
  };
}
