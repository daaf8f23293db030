import { truncate } from 'node:fs/promises';

/**
 * Empties a reference recorder's output (the naive recorder's JSON lines, mitmdump's flow file) after each
 * of its rounds. Those files only grow: over a run they reach gigabytes, and that much data in the page
 * cache and under writeback makes every other variant's file writes on the same disk dearer. Measured on
 * the 2-core bench machine, the capture proxy's CPU per 256 KB exchange was 330-366 µs with the references'
 * files left to grow and 254-296 µs with them emptied; its own history stays bounded by maxEntries either
 * way. Done here, in the bench process, so freeing those pages is charged to no measured proxy. A user runs
 * one recorder, not three side by side.
 */
export async function emptyRecording(path: string): Promise<void> {
  // Not there yet (nothing recorded) is fine.
  await truncate(path, 0).catch(() => undefined);
}
