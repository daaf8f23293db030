/**
 * The public-tunnel phase: the project's LOCAL ngrok-compatible edge (test/edge; not ngrok) in one child, the
 * upstream in another, and the real @ngrok/ngrok SDK in agent children, for three questions:
 *
 *   1. throughput: requests/s and p50/p99 of 2 KB webhooks at c1 and c32 (keep-alive on the public side) for
 *      edge → SDK → capture proxy → upstream (TunnelController, as the extension host runs it), against
 *      edge → SDK → upstream (the same SDK listener without the capture hop), edge → SDK → bare relay →
 *      upstream (the floor for any hop in the capture proxy's place) and the upstream directly, in
 *      interleaved rounds, with each agent's CPU (and the edge's) per request from /proc;
 *   2. Start Tunnel → URL shown: TunnelController.start() until state `on`, in fresh processes so the SDK's
 *      native module load is inside the figure (tunnelStartChild.ts);
 *   3. memory a running tunnel adds: RSS of the extension's core in a child before start versus online and
 *      after requests through it, GC'd, and again at rest; judged outside V8's young generation, which
 *      grows with any burst of allocation and shrinks back when idle (see TunnelMemoryReading); the SDK
 *      alone, measured the same way, as the baseline.
 *
 * The edge runs with its Nagle workaround (design notes §10: the SDK leaves Nagle on, so without it every
 * exchange stalls ~40 ms on delayed ACKs); BENCH_EDGE_ACK_POLICY=off shows the stall. Over the Internet the
 * round trip to ngrok dominates instead, so these figures isolate what the extension's own hop costs.
 */
import { mkdir } from 'node:fs/promises';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { BenchChild } from './benchChild';
import type { BenchPlan } from './benchConfig';
import { outsideYoung } from './childProtocol';
import type { EdgeChildSpec, EdgeInfo, MemoryFigures, TunnelChildSpec } from './childProtocol';
import type { CaptureSettings } from './captureServer';
import { runRound } from './loadGenerator';
import { webhookBody, webhookHeaders } from './payloads';
import { difference, matrixCells, ratio } from './ratios';
import { sampleFromChild } from './oneShotChild';
import { median } from './stats';
import { attempt } from './targets';
import type { Outcome } from './targets';
import type { CellFigures, MeasuredVariant } from './throughputMatrix';
import { runMatrix } from './throughputMatrix';
import type { TunnelStartSample, TunnelStartSpec } from './tunnelStartChild';

export interface TunnelRatios {
  readonly bodyBytes: number;
  readonly concurrency: number;
  /** The issue's figure: the extension's tunnel (capture hop included) against the tunnel alone. */
  readonly captureVsSdkReqPerSec?: number;
  /** The same for a bare relay in the capture proxy's place: the most any hop there can keep. */
  readonly relayVsSdkReqPerSec?: number;
  /** The extension's tunnel against the bare relay: what capturing costs beyond the hop itself. */
  readonly captureVsRelayReqPerSec?: number;
  readonly captureVsDirectReqPerSec?: number;
  readonly sdkVsDirectReqPerSec?: number;
  /** p50 of the extension's tunnel minus the SDK-only tunnel's: what the capture hop adds to each call. */
  readonly captureHopAddedP50Ms?: number;
  /** SDK-only tunnel p50 minus direct p50: what edge + SDK add. */
  readonly tunnelAddedP50Ms?: number;
  /** Agent-process CPU per request: SDK + capture proxy + history store against the SDK alone. */
  readonly captureVsSdkCpu?: number;
}

export interface TunnelThroughput {
  readonly cells: readonly CellFigures[];
  readonly ratios: readonly TunnelRatios[];
}

export interface TunnelStartFigures {
  readonly runs: number;
  readonly samples: readonly TunnelStartSample[];
  readonly toUrlMs: number;
  readonly proxyMs?: number;
  readonly sdkLoadMs?: number;
  readonly connectMs?: number;
  readonly warmToUrlMs?: number;
  /** Errors of the samples that failed, if any. */
  readonly errors: readonly string[];
}

export interface TunnelMemoryReading {
  readonly requests: number;
  readonly failed: number;
  readonly firstError?: string;
  readonly before: MemoryFigures;
  readonly online: MemoryFigures;
  readonly after: MemoryFigures;
  /** RSS online minus before. */
  readonly onlineAddedBytes: number;
  /** RSS after the requests minus before. */
  readonly addedBytes: number;
  /**
   * The same, not counting V8's young generation in either reading: the figure the target is judged on.
   * V8 sizes the young generation from the whole process's allocation rate: it doubles during a burst of
   * requests and shrinks back once the process is idle (see `rest`), and in the extension host it is shared
   * with VS Code and every other extension. What the tunnel keeps (old generation, native memory) stays in.
   */
  readonly addedOutsideYoungBytes: number;
  /** A later reading, once the process has been idle long enough for V8 to shrink the young generation back (or 20 s). */
  readonly rest: MemoryFigures;
  readonly restAfterMs: number;
}

/** The extension's tunnel, and the SDK alone measured the same way in another fresh process, as its baseline. */
export interface TunnelMemory extends TunnelMemoryReading {
  readonly sdkOnly: Outcome<TunnelMemoryReading>;
}

export interface TunnelFigures {
  readonly edgeAckPolicy: string;
  readonly throughput: Outcome<TunnelThroughput>;
  readonly start: Outcome<TunnelStartFigures>;
  readonly memory: Outcome<TunnelMemory>;
}

type Progress = (line: string) => void;

export function tunnelRatios(cells: readonly CellFigures[]): TunnelRatios[] {
  return matrixCells(cells).map(({ bodyBytes, concurrency, of }) => {
    const [direct, sdk, relay, capture] = (['direct', 'tunnelSdk', 'tunnelRelay', 'tunnelCapture'] as const).map(of);
    return {
      bodyBytes,
      concurrency,
      captureVsSdkReqPerSec: ratio(capture?.reqPerSec, sdk?.reqPerSec),
      relayVsSdkReqPerSec: ratio(relay?.reqPerSec, sdk?.reqPerSec),
      captureVsRelayReqPerSec: ratio(capture?.reqPerSec, relay?.reqPerSec),
      captureVsDirectReqPerSec: ratio(capture?.reqPerSec, direct?.reqPerSec),
      sdkVsDirectReqPerSec: ratio(sdk?.reqPerSec, direct?.reqPerSec),
      captureHopAddedP50Ms: difference(capture?.p50Ms, sdk?.p50Ms),
      tunnelAddedP50Ms: difference(sdk?.p50Ms, direct?.p50Ms),
      captureVsSdkCpu: ratio(capture?.cpuUsPerRequest, sdk?.cpuUsPerRequest),
    };
  });
}

/** The children of this phase, so an exiting parent can kill whatever is still running. */
export type ChildTracker = (child: BenchChild) => void;

interface Fixture {
  readonly upstream: BenchChild;
  readonly edgeChild: BenchChild;
  readonly edge: EdgeInfo;
  readonly capture: CaptureSettings;
  readonly scratch: string;
}

function edgeAckPolicy(): EdgeChildSpec['ackPolicy'] {
  const wanted = process.env.BENCH_EDGE_ACK_POLICY;
  return wanted === 'off' || wanted === 'syn-and-wndinc' || wanted === 'every-read' ? wanted : undefined;
}

/** Starts an agent child; the edge's public port is where its load goes, its URL's host routes to it. */
async function startAgent(fixture: Fixture, role: TunnelChildSpec['role'], track: ChildTracker, memory = false): Promise<BenchChild> {
  const scratchDir = join(fixture.scratch, `${role}${memory ? '-memory' : ''}`);
  await mkdir(scratchDir, { recursive: true });
  const spec: TunnelChildSpec = { role, edge: fixture.edge, upstream: fixture.upstream.origin, scratchDir, capture: fixture.capture, ...(memory ? { memory } : {}) };
  const child = await BenchChild.start(spec, memory ? ['--expose-gc'] : []);
  track(child);
  if (!child.ready.url) throw new Error(`the ${role} child reported no public URL`);
  return child;
}

function hostOf(child: BenchChild): string {
  return new URL(child.ready.url!).host;
}

async function measureThroughput(fixture: Fixture, plan: BenchPlan, track: ChildTracker, progress: Progress): Promise<TunnelThroughput> {
  const agents: BenchChild[] = [];
  try {
    const sdk = await startAgent(fixture, 'tunnelSdk', track);
    agents.push(sdk);
    const relay = await startAgent(fixture, 'tunnelRelay', track);
    agents.push(relay);
    const capture = await startAgent(fixture, 'tunnelCapture', track);
    agents.push(capture);
    const variants: MeasuredVariant[] = [
      { id: 'direct', port: fixture.upstream.port, settle: async () => {} },
      { id: 'tunnelSdk', port: sdk.port, hostHeader: hostOf(sdk), cpuPid: sdk.pid, edgeCpuPid: fixture.edgeChild.pid, settle: () => sdk.settle() },
      { id: 'tunnelRelay', port: relay.port, hostHeader: hostOf(relay), cpuPid: relay.pid, edgeCpuPid: fixture.edgeChild.pid, settle: () => relay.settle() },
      { id: 'tunnelCapture', port: capture.port, hostHeader: hostOf(capture), cpuPid: capture.pid, edgeCpuPid: fixture.edgeChild.pid, settle: () => capture.settle() },
    ];
    const cells = await runMatrix(variants, plan.tunnel.matrix, (line) => progress(`tunnel ${line}`));
    return { cells, ratios: tunnelRatios(cells) };
  } finally {
    await Promise.all(agents.map((agent) => agent.close()));
  }
}

function startOnce(spec: TunnelStartSpec): Promise<TunnelStartSample> {
  return sampleFromChild<TunnelStartSample>('tunnelStartChild.js', [JSON.stringify(spec)], (why) => ({ error: `start: ${why}` }));
}

async function measureStart(fixture: Fixture, plan: BenchPlan, progress: Progress): Promise<TunnelStartFigures> {
  const spec: TunnelStartSpec = { edge: fixture.edge, upstream: fixture.upstream.origin, capture: fixture.capture };
  const samples: TunnelStartSample[] = [];
  for (let run = 0; run < plan.tunnel.startRuns; run++) samples.push(await startOnce(spec));
  const good = samples.filter((sample) => sample.error === undefined && sample.toUrlMs !== undefined);
  const errors = samples.flatMap((sample) => (sample.error === undefined ? [] : [sample.error]));
  if (good.length === 0) throw new Error(errors[0] ?? 'no runs');
  const mid = (pick: (sample: TunnelStartSample) => number | undefined): number | undefined => {
    const values = good.map(pick).filter((value): value is number => value !== undefined);
    return values.length === 0 ? undefined : median(values);
  };
  progress(`tunnel start: ${good.map((sample) => sample.toUrlMs!.toFixed(0)).join(', ')} ms`);
  return {
    runs: good.length,
    samples,
    toUrlMs: median(good.map((sample) => sample.toUrlMs!)),
    proxyMs: mid((sample) => sample.proxyMs),
    sdkLoadMs: mid((sample) => sample.sdkLoadMs),
    connectMs: mid((sample) => sample.connectMs),
    warmToUrlMs: mid((sample) => sample.warmToUrlMs),
    errors,
  };
}

/**
 * Reads memory every 2 s, the tunnel idle (its senders still connected), until V8 has shrunk the young
 * generation back to its size before start: its memory reducer does that a few seconds into idleness.
 */
async function readingAtRest(child: BenchChild, youngBefore: number): Promise<{ rest: MemoryFigures; restAfterMs: number }> {
  const started = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rest = await child.memory();
    const restAfterMs = Date.now() - started;
    if (rest.youngGeneration <= youngBefore || restAfterMs >= 20_000) return { rest, restAfterMs };
  }
}

async function measureMemoryOf(role: TunnelChildSpec['role'], fixture: Fixture, plan: BenchPlan, track: ChildTracker, progress: Progress): Promise<TunnelMemoryReading> {
  const child = await startAgent(fixture, role, track, true);
  const { memoryBefore: before, memoryOnline: online } = child.ready;
  const body = webhookBody(2 * 1024);
  const concurrency = plan.tunnel.memoryConcurrency;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  try {
    if (!before || !online) throw new Error('the memory child sent no readings');
    progress(`tunnel memory (${role}): ${plan.tunnel.memoryRequests} requests through the tunnel`);
    const result = await runRound(
      { port: child.port, path: '/webhooks/github', headers: { ...webhookHeaders(body), Host: hostOf(child) }, body, agent },
      concurrency,
      { requests: plan.tunnel.memoryRequests },
    );
    const after = await child.memory();
    const { rest, restAfterMs } = await readingAtRest(child, before.youngGeneration);
    return {
      requests: result.completed,
      failed: result.failed,
      ...(result.firstError === undefined ? {} : { firstError: result.firstError }),
      before,
      online,
      after,
      onlineAddedBytes: online.rss - before.rss,
      addedBytes: after.rss - before.rss,
      addedOutsideYoungBytes: outsideYoung(after) - outsideYoung(before),
      rest,
      restAfterMs,
    };
  } finally {
    agent.destroy();
    await child.close();
  }
}

/** Runs the whole tunnel phase with its own upstream and edge; a failed part leaves the others' figures. */
export async function measureTunnel(plan: BenchPlan, scratch: string, track: ChildTracker, progress: Progress): Promise<TunnelFigures> {
  const ackPolicy = edgeAckPolicy();
  progress(`tunnel: starting the local edge${ackPolicy ? ` (ack policy ${ackPolicy})` : ''}, the upstream and the agents`);
  const upstream = await BenchChild.start({ role: 'upstream' });
  track(upstream);
  try {
    const edgeChild = await BenchChild.start({ role: 'edge', ...(ackPolicy ? { ackPolicy } : {}) });
    track(edgeChild);
    try {
      const edge = edgeChild.ready.edge;
      if (!edge) throw new Error('the edge child reported no address');
      const fixture: Fixture = {
        upstream,
        edgeChild,
        edge,
        capture: { maxEntries: plan.maxEntries, maxBodyBytes: plan.maxBodyBytes, upstreamTimeoutMs: plan.upstreamTimeoutMs },
        scratch: join(scratch, 'tunnel'),
      };
      const throughput = await attempt('tunnel throughput', progress, () => measureThroughput(fixture, plan, track, progress));
      progress(`tunnel start: ${plan.tunnel.startRuns} fresh processes`);
      const start = await attempt('tunnel start', progress, () => measureStart(fixture, plan, progress));
      const sdkOnly = await attempt('tunnel memory (SDK only)', progress, () => measureMemoryOf('tunnelSdk', fixture, plan, track, progress));
      const memory = await attempt('tunnel memory', progress, async () => ({ ...(await measureMemoryOf('tunnelCapture', fixture, plan, track, progress)), sdkOnly }));
      return { edgeAckPolicy: ackPolicy ?? 'every-read (default)', throughput, start, memory };
    } finally {
      await edgeChild.close();
    }
  } finally {
    await upstream.close();
  }
}
