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

/** Each run of unreadable bytes counts as one skipped record: inside damage, record boundaries are unknowable. */
export function buildLoadReport(loaded: number, skipped: readonly SkippedRegion[], fileSize: number): HistoryLoadReport {
  if (skipped.length === 0) return { loaded, skippedRecords: 0, skippedBytes: 0 };
  const skippedBytes = skipped.reduce((sum, region) => sum + region.length, 0);
  const last = skipped[skipped.length - 1]!;
  const tail = last.offset + last.length === fileSize ? last : undefined;
  const middle = tail ? skipped.slice(0, -1) : skipped;
  const parts: string[] = [];
  if (middle.length > 0) {
    const bytes = middle.reduce((sum, region) => sum + region.length, 0);
    parts.push(
      `${middle.length} damaged record${middle.length === 1 ? '' : 's'} (${formatBytes(bytes)}) could not be read and ${middle.length === 1 ? 'was' : 'were'} skipped.`,
    );
  }
  if (tail) {
    parts.push(`The last record was incomplete (${formatBytes(tail.length)}), most likely cut off while it was being written, and was dropped.`);
  }
  return {
    loaded,
    skippedRecords: skipped.length,
    skippedBytes,
    message: `Webhook history: loaded ${loaded} call${loaded === 1 ? '' : 's'}. ${parts.join(' ')}`,
  };
}
