import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryStore } from '../../../src/core/history/historyStore';
import { readHeader, RecordKind } from '../../../src/core/history/recordCodec';
import { historyBytes, historyFiles } from '../../support/historyFiles';
import { crashExchange, TempDirs } from './historyFixtures';

interface ChildProgress {
  /** Records the child had handed to `append` when it died. */
  readonly queued: number;
  /** Records whose `flush` had resolved: those bytes reached the OS, which a SIGKILL cannot undo. */
  readonly written: number;
  readonly signal: NodeJS.Signals | null;
}

/** Runs the append child and SIGKILLs it as soon as it reports having queued record `killAt`. */
function runChildUntilKilled(dir: string, killAt: number, maxEntries = 10_000): Promise<ChildProgress> {
  const child = spawn(process.execPath, [join(__dirname, 'appendChild.js'), dir, '64', String(maxEntries)], { stdio: ['ignore', 'pipe', 'pipe'] });
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

describe('HistoryStore after a SIGKILL mid-append, in a small history whose files are reused', () => {
  const dirs = new TempDirs();
  afterEach(() => dirs.cleanup());
  const maxEntries = 3;

  /** Whether some file of the log starts with a segment record, which only a reused file does. */
  function someFileWasReused(dir: string): boolean {
    return historyFiles(dir).some((file) => readHeader(readFileSync(join(dir, file.name)), 0)?.kind === RecordKind.segment);
  }

  // 16 MB of records through a 3-entry history: each segment (about 5 MB) ages out as soon as it is
  // sealed and its file is reused at the next seal (after about record 40, then 60): these kills land
  // in reused files.
  for (const killAt of [43, 51, 61]) {
    it(`loads the newest records written before the kill, none from a file's earlier use (kill after record ${killAt} is queued)`, async () => {
      const dir = await dirs.make();
      const progress = await runChildUntilKilled(dir, killAt, maxEntries);
      assert.equal(progress.signal, 'SIGKILL');
      assert.ok(progress.queued > killAt && progress.queued - progress.written <= 1, `child reported ${JSON.stringify(progress)}`);
      assert.ok(someFileWasReused(dir), 'a log file was reused before the kill');

      const { store, report } = await HistoryStore.open(dir, { maxEntries });
      try {
        assert.ok(report.skippedRecords <= 1, JSON.stringify(report));
        const oldestFirst = store.entries().map((entry) => entry.id);
        oldestFirst.reverse();
        // The newest `maxEntries` of what reached the file: all of the written ones, and maybe the one in flight.
        const newest = oldestFirst.length > 0 ? Number(oldestFirst.at(-1)!.slice('crash-'.length)) + 1 : 0;
        assert.ok(newest === progress.written || newest === progress.queued, `newest loaded is ${newest}, child reported ${JSON.stringify(progress)}`);
        assert.deepEqual(oldestFirst, Array.from({ length: maxEntries }, (_, i) => `crash-${newest - maxEntries + i}`));
        for (const id of oldestFirst) assert.deepEqual(await store.readExchange(id), crashExchange(Number(id.slice('crash-'.length))));
      } finally {
        await store.close();
      }
    });
  }
});
