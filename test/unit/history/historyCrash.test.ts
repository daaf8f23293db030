import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { HistoryStore } from '../../../src/core/history/historyStore';
import { crashExchange, historyBytes, TempDirs } from './historyFixtures';

interface ChildProgress {
  /** Records the child had handed to `append` when it died. */
  readonly queued: number;
  /** Records whose `flush` had resolved: those bytes reached the OS, which a SIGKILL cannot undo. */
  readonly written: number;
  readonly signal: NodeJS.Signals | null;
}

/** Runs the append child and SIGKILLs it as soon as it reports having queued record `killAt`. */
function runChildUntilKilled(dir: string, killAt: number): Promise<ChildProgress> {
  const child = spawn(process.execPath, [join(__dirname, 'appendChild.js'), dir, '64'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let queued = 0;
  let written = 0;
  let pending = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [step, index] = line.split(' ');
      if (step === 'queued') queued = Number(index) + 1;
      if (step === 'written') written = Number(index) + 1;
      // The record being killed on is ~1 MB, so its write is most likely still in flight.
      if (step === 'queued' && Number(index) === killAt) child.kill('SIGKILL');
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    // 'close' rather than 'exit': every line the child wrote has been read by then.
    child.on('close', (code, signal) => {
      if (signal === null) reject(new Error(`the child exited on its own (code ${code}): ${stderr}`));
      else resolve({ queued, written, signal });
    });
  });
}

describe('HistoryStore after a SIGKILL mid-append', () => {
  const dirs = new TempDirs();
  afterEach(() => dirs.cleanup());

  // Several kill points, each right after a large record was queued. The records add up to several
  // segments, so some kills land around a segment being sealed (which can leave no history.log at all).
  for (const killAt of [3, 11, 19, 27]) {
    it(`loads exactly the records written before the kill (kill after record ${killAt} is queued)`, async () => {
      const dir = await dirs.make();
      const progress = await runChildUntilKilled(dir, killAt);
      assert.equal(progress.signal, 'SIGKILL');
      assert.ok(progress.queued > killAt && progress.queued - progress.written <= 1, `child reported ${JSON.stringify(progress)}`);
      const sizeOnDisk = historyBytes(dir);

      const { store, report } = await HistoryStore.open(dir, { maxEntries: 10_000 });
      try {
        const loaded = report.loaded;
        // Everything flushed survived; at most the one record in flight is missing.
        assert.ok(loaded >= progress.written && loaded <= progress.queued, `loaded ${loaded}, child reported ${JSON.stringify(progress)}`);
        const oldestFirst = store.entries().map((entry) => entry.id).reverse();
        assert.deepEqual(oldestFirst, Array.from({ length: loaded }, (_, i) => `crash-${i}`));
        for (let i = 0; i < loaded; i++) assert.deepEqual(await store.readExchange(`crash-${i}`), crashExchange(i));

        // Whatever was torn is exactly what was cut off the file, and the report says so.
        assert.equal(sizeOnDisk - historyBytes(dir), report.skippedBytes);
        if (report.skippedBytes > 0) {
          assert.equal(report.skippedRecords, 1);
          assert.match(report.message ?? '', /incomplete/);
        } else {
          assert.deepEqual(report, { loaded, skippedRecords: 0, skippedBytes: 0 });
        }

        store.append(crashExchange(loaded));
      } finally {
        await store.close();
      }
      const again = await HistoryStore.open(dir, { maxEntries: 10_000 });
      await again.store.close();
      assert.deepEqual(again.report, { loaded: report.loaded + 1, skippedRecords: 0, skippedBytes: 0 });
    });
  }
});
