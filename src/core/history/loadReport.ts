import type { SkippedRegion } from './historyScan';

/** What opening the history found; `message` is for the user whenever something could not be read. */
export interface HistoryLoadReport {
  readonly loaded: number;
  readonly skippedRecords: number;
  readonly skippedBytes: number;
  readonly message?: string;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Each run of unreadable bytes counts as one skipped record: inside damage, record boundaries are
 * unknowable. `tornTail` is what followed the last intact record of the file being appended to.
 */
export function buildLoadReport(loaded: number, damaged: readonly SkippedRegion[], tornTail: SkippedRegion | undefined): HistoryLoadReport {
  const skippedRecords = damaged.length + (tornTail ? 1 : 0);
  if (skippedRecords === 0) return { loaded, skippedRecords: 0, skippedBytes: 0 };
  const damagedBytes = damaged.reduce((sum, region) => sum + region.length, 0);
  const parts: string[] = [];
  if (damaged.length > 0) {
    parts.push(
      `${damaged.length} damaged record${damaged.length === 1 ? '' : 's'} (${formatBytes(damagedBytes)}) could not be read and ${damaged.length === 1 ? 'was' : 'were'} skipped.`,
    );
  }
  if (tornTail) {
    parts.push(`The last record was incomplete (${formatBytes(tornTail.length)}), most likely cut off while it was being written, and was dropped.`);
  }
  return {
    loaded,
    skippedRecords,
    skippedBytes: damagedBytes + (tornTail?.length ?? 0),
    message: `Webhook history: loaded ${loaded} call${loaded === 1 ? '' : 's'}. ${parts.join(' ')}`,
  };
}
