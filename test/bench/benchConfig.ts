/** Everything the bench varies or holds fixed, in one place so a run's JSON can name its own plan. */

export const KiB = 1024;
export const MiB = 1024 * KiB;

export type VariantId = 'direct' | 'passThrough' | 'capture' | 'naive' | 'mitmdump' | 'tunnelSdk' | 'tunnelRelay' | 'tunnelCapture';

/** Print order; also the order the first interleaved round starts from. */
export const VARIANTS: readonly VariantId[] = ['direct', 'passThrough', 'capture', 'naive', 'mitmdump', 'tunnelSdk', 'tunnelRelay', 'tunnelCapture'];

export const VARIANT_LABELS: Readonly<Record<VariantId, string>> = {
  direct: 'direct',
  passThrough: 'pass-through',
  capture: 'capture proxy',
  naive: 'naive base64 rec.',
  mitmdump: 'mitmdump',
  tunnelSdk: 'edge→SDK→upstream',
  tunnelRelay: 'edge→SDK→bare relay→upstream',
  tunnelCapture: 'edge→SDK→capture→upstream',
};

export interface MatrixPlan {
  readonly bodySizes: readonly number[];
  readonly concurrencies: readonly number[];
  /** Measured rounds per variant per cell; each variant gets one round in turn, so noise spreads evenly. */
  readonly rounds: number;
  /** Every variant gets the same wall time per round; slow ones (mitmdump) simply complete fewer requests. */
  readonly roundMs: number;
  /** An unmeasured round per variant at the start of each cell: JIT, connection pools, first file writes. */
  readonly warmupMs: number;
  /** Before the first cell, per variant, split over the body sizes at the highest concurrency: fresh processes JIT-compile their hot paths here rather than in the first measured cell. */
  readonly initialWarmupMs: number;
}

/** The public-tunnel phase (tunnelBench.ts): the local ngrok-compatible edge, the real SDK, the capture proxy. */
export interface TunnelPlan {
  /** 2 KB at c1 and c32; variants: direct, edge → SDK → upstream, edge → SDK → capture proxy → upstream. */
  readonly matrix: MatrixPlan;
  /** Fresh processes timed from TunnelController.start() to the `on` state (the status bar's URL). */
  readonly startRuns: number;
  /** Requests through the tunnel before the second memory reading. */
  readonly memoryRequests: number;
  readonly memoryConcurrency: number;
}

export interface BenchPlan {
  readonly matrix: MatrixPlan;
  readonly tunnel: TunnelPlan;
  /** The capture proxy as the extension configures it by default. */
  readonly maxEntries: number;
  readonly maxBodyBytes: number;
  readonly upstreamTimeoutMs: number;
  readonly memoryWarmupExchanges: number;
  readonly memoryExchanges: number;
  readonly memoryConcurrency: number;
  readonly historyLoadEntries: number;
  readonly historyLoadRuns: number;
  readonly activateRuns: number;
}

const full: BenchPlan = {
  matrix: { bodySizes: [2 * KiB, 8 * KiB, 256 * KiB], concurrencies: [1, 32], rounds: 5, roundMs: 900, warmupMs: 300, initialWarmupMs: 1500 },
  tunnel: {
    matrix: { bodySizes: [2 * KiB], concurrencies: [1, 32], rounds: 6, roundMs: 1000, warmupMs: 300, initialWarmupMs: 1500 },
    startRuns: 7,
    memoryRequests: 1_000,
    memoryConcurrency: 32,
  },
  maxEntries: 1000,
  maxBodyBytes: MiB,
  upstreamTimeoutMs: 30_000,
  memoryWarmupExchanges: 5_000,
  memoryExchanges: 100_000,
  memoryConcurrency: 32,
  historyLoadEntries: 10_000,
  historyLoadRuns: 5,
  activateRuns: 7,
};

/** `--quick`: the same shape in a fraction of the time, for checking the bench itself; figures are rough. */
const quick: BenchPlan = {
  ...full,
  matrix: { ...full.matrix, rounds: 2, roundMs: 300, warmupMs: 100, initialWarmupMs: 600 },
  tunnel: { ...full.tunnel, matrix: { ...full.tunnel.matrix, rounds: 2, roundMs: 400, warmupMs: 100, initialWarmupMs: 600 }, startRuns: 3 },
  memoryWarmupExchanges: 1_000,
  memoryExchanges: 10_000,
  historyLoadRuns: 3,
  activateRuns: 3,
};

export function planFor(argv: readonly string[]): BenchPlan {
  return argv.includes('--quick') ? quick : full;
}
