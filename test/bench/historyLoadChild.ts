/**
 * Entry of a fresh process that opens a prepared history once and reports how long `HistoryStore.open` took.
 * Fresh each time because that is the extension's case: the store is opened once, early, in a cold process.
 */
import { performance } from 'node:perf_hooks';
import { HistoryStore } from '../../src/core/history/historyStore';

export interface HistoryLoadSample {
  readonly ms: number;
  readonly loaded: number;
}

async function main(): Promise<void> {
  const [dir, maxEntries] = process.argv.slice(2);
  if (dir === undefined || maxEntries === undefined) throw new Error('usage: historyLoadChild DIR MAX_ENTRIES');
  const t0 = performance.now();
  const { store, report } = await HistoryStore.open(dir, { maxEntries: Number(maxEntries) });
  const ms = performance.now() - t0;
  await store.close();
  const sample: HistoryLoadSample = { ms, loaded: report.loaded };
  process.send?.(sample);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
