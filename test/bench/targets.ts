import type { ActivationFigures } from './activation';
import type { BundleSize } from './bundleSize';
import type { HistoryLoad } from './historyLoad';
import type { MemoryGrowth } from './memoryGrowth';
import type { CellRatios } from './ratios';
import { findRatios } from './ratios';

export type Verdict = 'PASS' | 'MISS' | 'n/a';

export interface TargetCheck {
  readonly verdict: Verdict;
  readonly target: string;
  /** The measured figure, formatted, or why there is none. */
  readonly measured: string;
}

/** What a phase produced, or why it could not: a broken phase must not hide the others' figures. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Runs one part of the bench; a failure is reported through `progress` and kept as the part's outcome. */
export async function attempt<T>(what: string, progress: (line: string) => void, run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    progress(`${what} failed: ${message}`);
    return { ok: false, error: message };
  }
}

export interface BenchFigures {
  readonly ratios: readonly CellRatios[];
  readonly mitmdumpSkipped?: string;
  readonly memory: Outcome<MemoryGrowth>;
  readonly historyLoad: Outcome<HistoryLoad>;
  readonly bundle: Outcome<BundleSize>;
  readonly activation: Outcome<ActivationFigures>;
}

const KB = 1024;
const MB = 1024 * 1024;

/** A figure against its limit: PASS or MISS, or n/a (with why) when it was not measured. */
export function check(target: string, value: number | undefined, limit: number, kind: 'atLeast' | 'atMost', format: (v: number) => string, missing = 'not measured'): TargetCheck {
  if (value === undefined || !Number.isFinite(value)) return { verdict: 'n/a', target, measured: missing };
  const ok = kind === 'atLeast' ? value >= limit : value <= limit;
  return { verdict: ok ? 'PASS' : 'MISS', target, measured: format(value) };
}

const times = (v: number): string => `${v.toFixed(2)}×`;
const ms = (v: number): string => `${v.toFixed(3)} ms`;

/** The acceptance targets, each judged on this run's figures. Misses are reported, never fatal. */
export function checkTargets(figures: BenchFigures): TargetCheck[] {
  const { ratios } = figures;
  const at = (kb: number, c: number): CellRatios | undefined => findRatios(ratios, kb * KB, c);
  const checks: TargetCheck[] = [
    check('capture req/s ≥ 0.9× pass-through (2 KB, c32)', at(2, 32)?.captureVsPassThroughReqPerSec, 0.9, 'atLeast', times),
    check('capture req/s ≥ 10× mitmdump (2 KB, c32)', at(2, 32)?.captureVsMitmdumpReqPerSec, 10, 'atLeast', times, figures.mitmdumpSkipped ?? 'not measured'),
  ];
  for (const c of [1, 32]) {
    checks.push(check(`CPU per exchange ≤ 1.3× pass-through (2 KB, c${c})`, at(2, c)?.captureVsPassThroughCpu, 1.3, 'atMost', times));
  }
  for (const c of [1, 32]) {
    checks.push(check(`CPU per exchange ≤ 1.5× pass-through (256 KB, c${c})`, at(256, c)?.captureVsPassThroughCpu, 1.5, 'atMost', times));
  }
  for (const kb of [2, 8, 256]) {
    const cell = at(kb, 1);
    const pass = cell?.passThroughAddedP50Ms;
    checks.push(check(`added p50 ≤ 0.4 ms (${kb} KB, c1)`, cell?.captureAddedP50Ms, 0.4, 'atMost', (v) => `${ms(v)} (pass-through adds ${pass === undefined ? '?' : ms(pass)})`));
  }
  const memory = figures.memory;
  checks.push(
    memory.ok
      ? check(`memory growth ≤ 40 MB after ${memory.value.exchanges} exchanges (RSS)`, memory.value.rssGrowthBytes / MB, 40, 'atMost', (v) => `${v.toFixed(1)} MB RSS, ${(memory.value.heapGrowthBytes / MB).toFixed(1)} MB heap`)
      : { verdict: 'n/a', target: 'memory growth ≤ 40 MB after 100000 exchanges', measured: memory.error },
  );
  const load = figures.historyLoad;
  checks.push(
    load.ok
      ? check(`${load.value.entries}-exchange history loads in ≤ 150 ms`, load.value.medianMs, 150, 'atMost', (v) => `${v.toFixed(1)} ms median`)
      : { verdict: 'n/a', target: '10000-exchange history loads in ≤ 150 ms', measured: load.error },
  );
  const activation = figures.activation;
  const activationError = activation.ok ? activation.value.error : activation.error;
  checks.push(check('activate() ≤ 15 ms', activation.ok ? activation.value.activateMs : undefined, 15, 'atMost', (v) => `${v.toFixed(2)} ms median`, activationError));
  checks.push(
    activation.ok && activation.value.activateMs !== undefined
      ? { verdict: activation.value.ngrokModules.length === 0 ? 'PASS' : 'MISS', target: '@ngrok/ngrok not loaded by activate()', measured: activation.value.ngrokModules.length === 0 ? 'not loaded' : `loaded: ${activation.value.ngrokModules.join(', ')}` }
      : { verdict: 'n/a', target: '@ngrok/ngrok not loaded by activate()', measured: activationError ?? 'not measured' },
  );
  const bundle = figures.bundle;
  checks.push(
    bundle.ok
      ? check('extension bundle ≤ 300 KB minified', bundle.value.bytes / KB, 300, 'atMost', (v) => `${v.toFixed(1)} KB`)
      : { verdict: 'n/a', target: 'extension bundle ≤ 300 KB minified', measured: bundle.error },
  );
  return checks;
}
