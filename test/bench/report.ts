import type { MatrixPlan } from './benchConfig';
import { VARIANT_LABELS } from './benchConfig';
import type { CellRatios } from './ratios';
import type { BenchFigures, TargetCheck } from './targets';
import type { CellFigures } from './throughputMatrix';

const KB = 1024;
const MB = 1024 * 1024;

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  // The three label columns left-aligned, the figures right-aligned.
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i <= 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(header.map((_, i) => '-'.repeat(widths[i]!))), ...rows.map(line)].join('\n');
}

export const num = (value: number | null | undefined, digits: number): string => (value == null || !Number.isFinite(value) ? '—' : value.toFixed(digits));
export const size = (bytes: number): string => `${bytes / KB} KB`;
/** A ratio as `0.85×`, or `—` when either side is missing. */
export const times = (value: number | undefined): string => (value === undefined ? '—' : `${value.toFixed(2)}×`);

/** One throughput cell as a table row: body, concurrency, variant, req/s, p50, p99, CPU, `extraCpu`…, requests, failures. */
export function cellRow(cell: CellFigures, extraCpu: readonly string[] = []): string[] {
  return [
    size(cell.bodyBytes),
    `c${cell.concurrency}`,
    VARIANT_LABELS[cell.variant],
    Math.round(cell.reqPerSec).toLocaleString('en-US'),
    num(cell.p50Ms, 3),
    num(cell.p99Ms, 3),
    num(cell.cpuUsPerRequest, 0),
    ...extraCpu,
    String(cell.requests),
    cell.failed === 0 ? '0' : `${cell.failed} (${cell.firstError ?? '?'})`,
  ];
}

export function matrixTable(cells: readonly CellFigures[], plan: MatrixPlan): string {
  const rows = cells.map((cell) => cellRow(cell));
  return [
    `Throughput: ${plan.rounds} interleaved rounds × ${plan.roundMs} ms per variant and cell (after a ${plan.warmupMs} ms warmup round each).`,
    'CPU = utime+stime of the proxy process (/proc/<pid>/stat, all threads) per completed request, history writes included.',
    '',
    table(['body', 'conc', 'variant', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'requests', 'failed'], rows),
  ].join('\n');
}

export function ratioTable(ratios: readonly CellRatios[]): string {
  const rows = ratios.map((r) => [
    size(r.bodyBytes),
    `c${r.concurrency}`,
    '',
    times(r.captureVsPassThroughReqPerSec),
    times(r.captureVsMitmdumpReqPerSec),
    times(r.captureVsPassThroughCpu),
    times(r.naiveVsPassThroughCpu),
    num(r.captureAddedP50Ms, 3),
    num(r.passThroughAddedP50Ms, 3),
  ]);
  return table(['body', 'conc', '', 'capture/pass req/s', 'capture/mitm req/s', 'capture/pass CPU', 'naive/pass CPU', 'capture +p50 ms', 'pass +p50 ms'], rows);
}

export function targetList(checks: readonly TargetCheck[]): string {
  const width = Math.max(...checks.map((c) => c.target.length));
  return checks.map((c) => `${c.verdict.padEnd(4)}  ${c.target.padEnd(width)}  ${c.measured}`).join('\n');
}

export function otherFigures(figures: BenchFigures): string {
  const lines: string[] = [];
  const { memory, historyLoad, activation, bundle } = figures;
  if (memory.ok) {
    const m = memory.value;
    const trail = m.checkpoints.map((c) => `${c.afterExchanges / 1000}k: ${(c.rss / MB).toFixed(0)} MB`).join(', ');
    lines.push(
      `memory (capture proxy + history store, 2 KB, after flush + GC): RSS ${(m.baseline.rss / MB).toFixed(1)} → ${((m.baseline.rss + m.rssGrowthBytes) / MB).toFixed(1)} MB ` +
        `(+${(m.rssGrowthBytes / MB).toFixed(1)}), heap ${(m.baseline.heapUsed / MB).toFixed(1)} → ${((m.baseline.heapUsed + m.heapGrowthBytes) / MB).toFixed(1)} MB ` +
        `after ${m.exchanges} recorded exchanges${m.failed ? `, ${m.failed} failed (${m.firstError ?? '?'})` : ''}; RSS trail ${trail}`,
    );
  } else lines.push(`memory: n/a (${memory.error})`);
  if (historyLoad.ok) {
    const h = historyLoad.value;
    lines.push(
      `history load: ${h.entries} exchanges, ${(h.fileBytes / MB).toFixed(1)} MB on disk, HistoryStore.open ${h.medianMs.toFixed(1)} ms median of ${h.runsMs.length} fresh processes ` +
        `(${h.runsMs.map((v) => v.toFixed(1)).join(', ')})`,
    );
  } else lines.push(`history load: n/a (${historyLoad.error})`);
  if (activation.ok && activation.value.activateMs !== undefined) {
    const a = activation.value;
    lines.push(
      `activate(): ${a.activateMs!.toFixed(2)} ms median of ${a.runs} fresh processes (loading the bundle before it: ${num(a.loadMs, 2)} ms); ` +
        `${a.commands ?? 0} commands registered; ngrok ${a.ngrokModules.length === 0 ? 'not loaded' : `LOADED (${a.ngrokModules.join(', ')})`}`,
    );
  } else lines.push(`activate(): n/a (${activation.ok ? activation.value.error : activation.error})`);
  if (bundle.ok) {
    const b = bundle.value;
    const largest = b.largestInputs.map((input) => `${input.path} ${(input.bytes / KB).toFixed(1)} KB`).join(', ');
    lines.push(`extension bundle (minified, as --production): ${(b.bytes / KB).toFixed(1)} KB of 300 KB; largest inputs: ${largest}`);
  } else lines.push(`extension bundle: n/a (${bundle.error})`);
  if (figures.mitmdumpSkipped) lines.push(`mitmdump: skipped (${figures.mitmdumpSkipped})`);
  return lines.join('\n');
}
