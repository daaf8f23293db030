/*
 * Child process for the crash test: appends `crashExchange(0..count-1)` one at a time (into a history of
 * `maxEntries`, 10,000 unless given) and reports each step on stdout, so the parent can SIGKILL it at a
 * known point. Pipe writes are synchronous on POSIX, so a line the parent has read describes a step
 * this process has already taken.
 */
import { HistoryStore } from '../../../src/core/history/historyStore';
import { crashExchange } from './historyFixtures';

async function main(): Promise<void> {
  const [dir, countText, maxEntriesText = '10000'] = process.argv.slice(2);
  if (!dir || !countText) throw new Error('usage: appendChild <dir> <count> [maxEntries]');
  const { store } = await HistoryStore.open(dir, { maxEntries: Number(maxEntriesText) });
  process.stdout.write('ready\n');
  for (let i = 0; i < Number(countText); i++) {
    store.append(crashExchange(i));
    process.stdout.write(`queued ${i}\n`);
    await store.flush();
    process.stdout.write(`written ${i}\n`);
  }
  await store.close();
  process.stdout.write('done\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
