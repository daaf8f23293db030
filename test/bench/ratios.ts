import type { CellFigures } from './throughputMatrix';
import type { VariantId } from './benchConfig';

/** The comparisons the issue asks for, per body size × concurrency. Undefined where a side is missing. */
export interface CellRatios {
  readonly bodyBytes: number;
  readonly concurrency: number;
  readonly captureVsPassThroughReqPerSec?: number;
  readonly captureVsMitmdumpReqPerSec?: number;
  readonly captureVsPassThroughCpu?: number;
  readonly naiveVsPassThroughCpu?: number;
  /** Capture p50 minus direct p50: what the capture hop adds to each call. */
  readonly captureAddedP50Ms?: number;
  /** The same for the bare pass-through: the part of the above any Node hop costs. */
  readonly passThroughAddedP50Ms?: number;
}

export function ratio(a: number | null | undefined, b: number | null | undefined): number | undefined {
  return a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? undefined : a / b;
}

export function difference(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) ? undefined : a - b;
}

/** One body size × concurrency of a matrix, and its figures per variant (undefined for a variant that completed nothing). */
export interface MatrixCell {
  readonly bodyBytes: number;
  readonly concurrency: number;
  of(variant: VariantId): CellFigures | undefined;
}

/** The matrix's figures grouped by cell, in the order the cells were measured. */
export function matrixCells(cells: readonly CellFigures[]): MatrixCell[] {
  const keys = [...new Set(cells.map((cell) => `${cell.bodyBytes}/${cell.concurrency}`))];
  return keys.map((key) => {
    const inCell = cells.filter((cell) => `${cell.bodyBytes}/${cell.concurrency}` === key);
    return {
      bodyBytes: inCell[0]!.bodyBytes,
      concurrency: inCell[0]!.concurrency,
      of: (variant) => inCell.find((cell) => cell.variant === variant && cell.requests > 0),
    };
  });
}

export function cellRatios(cells: readonly CellFigures[]): CellRatios[] {
  return matrixCells(cells).map(({ bodyBytes, concurrency, of }) => {
    const [direct, pass, capture, naive, mitm] = (['direct', 'passThrough', 'capture', 'naive', 'mitmdump'] as const).map(of);
    return {
      bodyBytes,
      concurrency,
      captureVsPassThroughReqPerSec: ratio(capture?.reqPerSec, pass?.reqPerSec),
      captureVsMitmdumpReqPerSec: ratio(capture?.reqPerSec, mitm?.reqPerSec),
      captureVsPassThroughCpu: ratio(capture?.cpuUsPerRequest, pass?.cpuUsPerRequest),
      naiveVsPassThroughCpu: ratio(naive?.cpuUsPerRequest, pass?.cpuUsPerRequest),
      captureAddedP50Ms: difference(capture?.p50Ms, direct?.p50Ms),
      passThroughAddedP50Ms: difference(pass?.p50Ms, direct?.p50Ms),
    };
  });
}

export function findRatios(ratios: readonly CellRatios[], bodyBytes: number, concurrency: number): CellRatios | undefined {
  return ratios.find((r) => r.bodyBytes === bodyBytes && r.concurrency === concurrency);
}
