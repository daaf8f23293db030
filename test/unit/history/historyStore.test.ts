import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { copyFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BodyRecorder } from '../../../src/core/capture/bodyRecorder';
import type { Exchange } from '../../../src/core/capture/exchange';
import { HistoryStore } from '../../../src/core/history/historyStore';
import type { HistoryChange, HistoryLoadReport } from '../../../src/core/history/historyStore';
import { RECORD_MAGIC } from '../../../src/core/history/recordCodec';
import { historyBytes, historyFiles } from '../../support/historyFiles';
import { allByteValues, makeExchange, patternBytes, TempDirs } from './historyFixtures';

const MB = 1024 * 1024;

describe('HistoryStore', () => {
  const dirs = new TempDirs();
  const opened: HistoryStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await dirs.cleanup();
  });

  async function open(dir: string, maxEntries = 100): Promise<{ store: HistoryStore; report: HistoryLoadReport }> {
    const result = await HistoryStore.open(dir, { maxEntries });
    opened.push(result.store);
    return result;
  }

  async function reopen(store: HistoryStore, dir: string, maxEntries = 100): Promise<{ store: HistoryStore; report: HistoryLoadReport }> {
    await store.close();
    return open(dir, maxEntries);
  }

  function recording(store: HistoryStore): HistoryChange[] {
    const changes: HistoryChange[] = [];
    store.onDidChange((change) => changes.push(change));
    return changes;
  }

  const ids = (store: HistoryStore): string[] => store.entries().map((entry) => entry.id);
  const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

  /** Exercises every optional field and the awkward body shapes. */
  function richExchanges(): Exchange[] {
    const binary = makeExchange('binary', { requestBody: allByteValues(), responseBody: patternBytes(300, 7) });
    const truncated: Exchange = {
      ...binary,
      id: 'truncated',
      request: {
        ...binary.request,
        rawHeaders: ['Set-Cookie', 'a=1', 'X-Trace', 'z', 'set-cookie', 'b=2', 'Set-Cookie', 'a=1'],
        body: { bytes: patternBytes(64, 1), size: 1_000_000, truncated: true },
      },
      response: {
        statusCode: 502,
        statusMessage: 'Bad Gateway',
        rawHeaders: [],
        body: { bytes: Buffer.alloc(0), size: 0, truncated: false },
        synthetic: true,
      },
      error: { kind: 'upstreamUnreachable', message: 'connect ECONNREFUSED 127.0.0.1:3000', code: 'ECONNREFUSED' },
      replayOf: 'binary',
      upgrade: false,
    };
    const noResponse: Exchange = { ...makeExchange('no-response', { responseBody: null }), error: { kind: 'clientAborted', message: 'gone' } };
    // Larger than the loader's read chunk and the limit for synchronous writes.
    const huge = makeExchange('huge', { requestBody: patternBytes(5 * 1024 * 1024 + 3, 9), responseBody: patternBytes(70_000, 10) });
    // Metadata is stored as ASCII: everything else must survive the escaping, astral characters included.
    const base = makeExchange('unicode');
    const unicode: Exchange = {
      ...base,
      timings: { totalMs: 0.25 },
      request: { ...base.request, url: '/hooks/caf\u00e9?q=\u00fc', rawHeaders: ['X-Name', 'Ren\u00e9e \u2603 \u{1f600}', 'X-Empty', ''] },
      error: { kind: 'upstreamTimeout', message: 'd\u00e9lai d\u00e9pass\u00e9 \u2014 \u{1f40c}' },
      upgrade: true,
    };
    return [binary, truncated, noResponse, huge, unicode];
  }

  it('reads every captured call’s headers back from where its record head was encoded, across many shared slabs', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 1000);
    // About 2 KB of head each: 600 of them fill several 256 KiB slabs.
    const headersOf = (i: number): string[] => ['X-Call', String(i), 'X-Pad', `${i}:`.padEnd(2000, 'abcdef'), 'X-Call', `again ${i}`];
    const calls = Array.from({ length: 600 }, (_, i) => {
      const exchange = makeExchange(`call-${i}`);
      return { ...exchange, request: { ...exchange.request, rawHeaders: headersOf(i) }, response: { ...exchange.response!, rawHeaders: ['X-Answer', String(i)] } };
    });
    for (const call of calls) store.append(call);
    await store.flush();
    for (const [i, call] of calls.entries()) {
      const stored = store.get(call.id)!;
      assert.deepEqual(stored.request.rawHeaders, headersOf(i));
      assert.deepEqual(stored.response?.rawHeaders, ['X-Answer', String(i)]);
    }
  });

  it('keeps exchanges byte-exact across a reopen, newest first', async () => {
    const dir = await dirs.make();
    const { store, report } = await open(dir);
    assert.deepEqual(report, { loaded: 0, skippedRecords: 0, skippedBytes: 0 });
    const exchanges = richExchanges();
    for (const exchange of exchanges) store.append(exchange);

    assert.deepEqual(ids(store), ['unicode', 'huge', 'no-response', 'truncated', 'binary']);
    assert.deepEqual(store.get('truncated')?.request.body, { size: 1_000_000, truncated: true, recordedBytes: 64 });
    assert.deepEqual(store.get('truncated')?.request.rawHeaders, exchanges[1]!.request.rawHeaders);
    assert.equal(store.get('no-response')?.response, undefined);
    // Read before any flush: the read must wait for the queued write rather than fail.
    assert.deepEqual(await store.readExchange('binary'), exchanges[0]);

    const before = store.entries();
    const again = await reopen(store, dir);
    assert.deepEqual(again.report, { loaded: 5, skippedRecords: 0, skippedBytes: 0 });
    assert.deepEqual(again.store.entries(), before);
    for (const exchange of exchanges) assert.deepEqual(await again.store.readExchange(exchange.id), exchange);
    assert.equal(await again.store.readExchange('missing'), undefined);
  });

  it('writes a body kept in the pieces it arrived in, truncated mid-piece, without joining it first', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir);
    const recorder = new BodyRecorder(150_000);
    const pieces = [patternBytes(65_536, 1), patternBytes(65_536, 2), patternBytes(65_536, 3)];
    for (const piece of pieces) recorder.push(piece);
    const body = recorder.finish();
    assert.equal(body.pieces?.length, 3, 'kept apart');
    const base = makeExchange('pieces');
    store.append({ ...base, request: { ...base.request, body } });
    const again = await reopen(store, dir);
    const read = await again.store.readExchange('pieces');
    assert.deepEqual(read?.request.body, { bytes: Buffer.concat(pieces).subarray(0, 150_000), size: 3 * 65_536, truncated: true });
    assert.deepEqual(body.bytes, read?.request.body.bytes, 'joined on demand, the same bytes');
    assert.deepEqual(again.store.get('pieces')?.request.body, { size: 3 * 65_536, truncated: true, recordedBytes: 150_000 });
  });

  it('keeps an exchange whose metadata is larger than a read chunk', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir);
    const base = makeExchange('big-headers');
    const big: Exchange = { ...base, request: { ...base.request, rawHeaders: ['X-Big', 'v'.repeat(3 * MB), 'X-After', 'ok'] } };
    store.append(makeExchange('before'));
    store.append(big);
    store.append(makeExchange('after'));

    const { store: reopened, report } = await reopen(store, dir);
    assert.deepEqual(report, { loaded: 3, skippedRecords: 0, skippedBytes: 0 });
    assert.deepEqual(ids(reopened), ['after', 'big-headers', 'before']);
    assert.deepEqual(reopened.get('big-headers')?.request.rawHeaders, big.request.rawHeaders);
    assert.deepEqual(await reopened.readExchange('after'), makeExchange('after'));
  });

  it('updates the index and fires events synchronously, and writes in the background', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 5000);
    const changes = recording(store);
    // ~7 MB in all, so reloading crosses the loader's read chunks mid-record.
    for (let i = 0; i < 2000; i++) store.append(makeExchange(`e${i}`, { requestBody: patternBytes(3000, i) }));

    assert.equal(store.size, 2000);
    assert.equal(changes.length, 2000);
    assert.deepEqual(changes[0], { kind: 'added', exchange: store.get('e0') });
    assert.equal(historyBytes(dir), 0, 'appends are written at the end of the turn, not inline');
    await store.flush();
    assert.ok(historyBytes(dir) > 2000 * 3000);

    const { report, store: reopened } = await reopen(store, dir, 5000);
    assert.deepEqual(report, { loaded: 2000, skippedRecords: 0, skippedBytes: 0 });
    assert.deepEqual(ids(reopened), ids(store));
    const bodies = await Promise.all(ids(reopened).map((id) => reopened.readExchange(id)));
    bodies.forEach((exchange, i) => assert.deepEqual(exchange?.request.body.bytes, patternBytes(3000, 1999 - i)));
  });

  it('drops the oldest entries beyond maxEntries, with events, and they stay gone', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 3);
    const changes = recording(store);
    for (let i = 0; i < 5; i++) store.append(makeExchange(`e${i}`));

    assert.deepEqual(
      changes.map((change) => (change.kind === 'added' ? `+${change.exchange.id}` : change.kind === 'removed' ? `-${change.ids.join(',')}` : change.kind)),
      ['+e0', '+e1', '+e2', '-e0', '+e3', '-e1', '+e4'],
    );
    assert.deepEqual(ids(store), ['e4', 'e3', 'e2']);
    assert.equal(await store.readExchange('e0'), undefined);

    // A larger bound on the next start must not bring evicted entries back.
    const { store: reopened, report } = await reopen(store, dir, 10);
    assert.equal(report.loaded, 3);
    assert.deepEqual(ids(reopened), ['e4', 'e3', 'e2']);
  });

  it('applies a lowered maxEntries at once and on disk', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 10);
    for (let i = 0; i < 10; i++) store.append(makeExchange(`e${i}`));
    const changes = recording(store);

    store.setMaxEntries(4);
    assert.deepEqual(changes, [{ kind: 'removed', ids: ['e0', 'e1', 'e2', 'e3', 'e4', 'e5'] }]);
    assert.deepEqual(ids(store), ['e9', 'e8', 'e7', 'e6']);
    store.append(makeExchange('e10'));
    assert.deepEqual(ids(store), ['e10', 'e9', 'e8', 'e7']);
    assert.throws(() => store.setMaxEntries(0), RangeError);

    const { store: reopened } = await reopen(store, dir, 100);
    assert.deepEqual(ids(reopened), ['e10', 'e9', 'e8', 'e7']);
  });

  it('writes a burst as one batch, skipping entries evicted before they reached the disk', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 3);
    for (let i = 0; i < 100; i++) store.append(makeExchange(`e${i}`, { requestBody: patternBytes(10_000, i) }));
    await store.flush();
    assert.ok(historyBytes(dir) < 5 * 10_500, `${historyBytes(dir)} bytes on disk for 3 live entries`);

    const { store: reopened, report } = await reopen(store, dir, 3);
    assert.deepEqual(report, { loaded: 3, skippedRecords: 0, skippedBytes: 0 });
    assert.deepEqual(ids(reopened), ['e99', 'e98', 'e97']);
  });

  it('drops old segments as their entries age out, reusing their files, keeping the live ones intact', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 10);
    const bodySize = 10_000;
    const sealedNames = new Set<string>();
    const inodes = new Set<number>();
    for (let i = 0; i < 1500; i++) {
      store.append(makeExchange(`e${i}`, { requestBody: patternBytes(bodySize, i) }));
      // Reads interleave with sealing and dropping segments and must still find their record.
      if (i % 100 === 0) assert.deepEqual((await store.readExchange(`e${i}`))?.request.body.bytes, patternBytes(bodySize, i));
      await store.flush();
      for (const file of historyFiles(dir)) {
        inodes.add(statSync(join(dir, file.name)).ino);
        if (file.name !== 'history.log') sealedNames.add(file.name);
      }
    }
    const expected = range(1490, 1500).reverse().map((i) => `e${i}`);
    assert.deepEqual(ids(store), expected);
    assert.ok(sealedNames.size >= 3, `the log was sealed ${sealedNames.size} times`);
    // Each segment that aged out became the next file appended to: no new file after the first two.
    assert.ok(inodes.size <= 2, `${inodes.size} files were made for ${sealedNames.size} segments`);
    // 15 MB went in; what stays is the live entries, at most about a segment (4 MB) of aged-out ones, and
    // one more kept for reuse.
    assert.ok(historyBytes(dir) < 9 * MB, `${historyBytes(dir)} bytes on disk`);

    const { store: reopened, report } = await reopen(store, dir, 10);
    assert.deepEqual(report, { loaded: 10, skippedRecords: 0, skippedBytes: 0 });
    assert.deepEqual(ids(reopened), expected);
    for (const id of expected) assert.deepEqual((await reopened.readExchange(id))?.request.body.bytes, patternBytes(bodySize, Number(id.slice(1))));
  });

  /**
   * Appends calls `e<from>` … `e<to - 1>` with `bodyBytes` request bodies (200 KB unless told), each flushed
   * before the next, so segments seal and age out in order.
   */
  async function appendCalls(store: HistoryStore, from: number, to: number, bodyBytes = 200_000): Promise<void> {
    for (let i = from; i < to; i++) {
      store.append(makeExchange(`e${i}`, { requestBody: patternBytes(bodyBytes, i) }));
      await store.flush();
    }
  }

  it('reclaims the space on open when the history is over the bound', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 200);
    await appendCalls(store, 0, 120);
    const sizeBefore = historyBytes(dir);

    const { store: reopened, report } = await reopen(store, dir, 10);
    assert.equal(report.loaded, 10);
    await reopened.flush();
    // Whole segments go at once; dead bytes left beside live ones stay under the compaction threshold (8 MB).
    assert.ok(historyBytes(dir) < 10 * 201_000 + 8 * MB, `${historyBytes(dir)} of ${sizeBefore} bytes left`);
    assert.deepEqual(ids(reopened), range(110, 120).reverse().map((i) => `e${i}`));
    assert.deepEqual((await reopened.readExchange('e110'))?.request.body.bytes, patternBytes(200_000, 110));
  });

  /** 16 MB, so the log is split into several segments; returns their names. */
  async function writeSegments(dir: string, store: HistoryStore): Promise<string[]> {
    await appendCalls(store, 0, 80);
    const sealed = historyFiles(dir)
      .map((file) => file.name)
      .filter((name) => name !== 'history.log');
    assert.ok(sealed.length >= 2, 'the log was split into segments');
    return sealed;
  }

  /** Deletes all but every tenth entry: each segment keeps a live one, so only compaction frees the rest. */
  async function thinOut(store: HistoryStore): Promise<number[]> {
    const kept = range(0, 8).map((i) => i * 10);
    for (let i = 0; i < 80; i++) if (!kept.includes(i)) await store.delete(`e${i}`);
    await store.flush();
    return kept;
  }

  it('compacts after deletions, and a crash during compaction cannot bring deleted entries back', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 100);
    const sealed = await writeSegments(dir, store);
    // What a crash between the compacted log's rename and the deletion of the old segments would leave:
    // an old segment whose records were deleted by tombstones that the compaction did not keep.
    const stale = join(await dirs.make(), 'stale.log');
    await copyFile(join(dir, sealed[0]!), stale);

    const kept = await thinOut(store);
    // Every old segment still held a live entry: only a compaction can have removed them.
    assert.deepEqual(historyFiles(dir).map((file) => file.name), ['history.log'], 'compacted into one file');
    // Deletions after the compaction leave dead bytes again, below the threshold (8 MB).
    assert.ok(historyBytes(dir) < kept.length * 201_000 + 8 * MB, `${historyBytes(dir)} bytes left`);
    assert.deepEqual((await store.readExchange('e30'))?.request.body.bytes, patternBytes(200_000, 30));
    await store.close();

    await copyFile(stale, join(dir, sealed[0]!));
    const { store: reopened, report } = await open(dir, 100);
    assert.deepEqual(report, { loaded: kept.length, skippedRecords: 0, skippedBytes: 0 });
    assert.deepEqual(ids(reopened), [...kept].reverse().map((i) => `e${i}`));
    for (const i of kept) assert.deepEqual((await reopened.readExchange(`e${i}`))?.request.body.bytes, patternBytes(200_000, i));
    await reopened.flush();
    // The stale segment is out of the log, kept only as a file to reuse: the next segment takes it over.
    await appendCalls(reopened, 80, 105);
    assert.ok(!historyFiles(dir).some((file) => file.name === sealed[0]), `${sealed[0]} was reused: ${JSON.stringify(historyFiles(dir))}`);
    assert.deepEqual((await reopened.readExchange('e30'))?.request.body.bytes, patternBytes(200_000, 30));
    assert.deepEqual((await reopened.readExchange('e100'))?.request.body.bytes, patternBytes(200_000, 100));
  });

  it('clearing a history that keeps a segment file for reuse leaves nothing to load', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 3);
    await appendCalls(store, 0, 60);
    // Sealed segments have aged out: one of them is kept, under its own name, for the next segment.
    assert.ok(historyFiles(dir).length >= 2, JSON.stringify(historyFiles(dir)));
    await store.clear();
    const { store: reopened, report } = await reopen(store, dir, 3);
    assert.deepEqual(report, { loaded: 0, skippedRecords: 0, skippedBytes: 0 });
    assert.deepEqual(ids(reopened), []);
    assert.deepEqual(historyFiles(dir).map((file) => file.name), ['history.log']);
  });

  /**
   * Appends 10 KB calls `e0, e1, …` to a 10-entry history until history.log is a reused file (the same
   * inode as a segment sealed before), then 20 more, so it holds new records followed by its old content.
   * Returns how many were appended.
   */
  async function fillUntilReused(store: HistoryStore, dir: string): Promise<number> {
    const sealedInodes = new Set<number>();
    let reusedAt = -1;
    for (let i = 0; i < 3000 && reusedAt < 0; i += 10) {
      await appendCalls(store, i, i + 10, 10_000);
      for (const file of historyFiles(dir)) {
        const { ino } = statSync(join(dir, file.name));
        if (file.name !== 'history.log') sealedInodes.add(ino);
        else if (sealedInodes.has(ino)) reusedAt = i + 10;
      }
    }
    assert.ok(reusedAt > 0, 'a segment file was reused');
    await appendCalls(store, reusedAt, reusedAt + 20, 10_000);
    return reusedAt + 20;
  }

  /** What a SIGKILL leaves: a copy of the files as they are, nothing trimmed or closed. */
  async function crashCopy(dir: string): Promise<string> {
    const crashed = await dirs.make();
    for (const file of historyFiles(dir)) await copyFile(join(dir, file.name), join(crashed, file.name));
    return crashed;
  }

  it('a reused file\'s old records stay leftovers after a crash: never loaded, never reported as damage', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 10);
    const last = await fillUntilReused(store, dir);
    const crashed = await crashCopy(dir);
    const activeBefore = statSync(join(crashed, 'history.log')).size;
    const { store: loaded, report } = await open(crashed, 10);
    assert.deepEqual(report, { loaded: 10, skippedRecords: 0, skippedBytes: 0 });
    const expected = range(last - 10, last).reverse().map((i) => `e${i}`);
    assert.deepEqual(ids(loaded), expected);
    for (const id of expected) assert.deepEqual((await loaded.readExchange(id))?.request.body.bytes, patternBytes(10_000, Number(id.slice(1))));
    assert.ok(statSync(join(crashed, 'history.log')).size < activeBefore, 'the old content past the last record was cut off on load');

    // Appends after that load go where they should, and the next load agrees.
    loaded.append(makeExchange(`e${last}`, { requestBody: patternBytes(10_000, last) }));
    const { store: again, report: againReport } = await reopen(loaded, crashed, 10);
    assert.deepEqual(againReport, { loaded: 10, skippedRecords: 0, skippedBytes: 0 });
    assert.deepEqual(ids(again), range(last - 9, last + 1).reverse().map((i) => `e${i}`));
  });

  it('in a reused file, a write the process died inside is dropped and reported, never completed with the file\'s old bytes', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 10);
    const last = await fillUntilReused(store, dir);
    const crashed = await crashCopy(dir);
    // Killed inside the write of the newest call: its magic (written last) is not there yet, and its body
    // ends in whatever the file held before.
    const active = join(crashed, 'history.log');
    const bytes = readFileSync(active);
    const newest = bytes.indexOf(`"e${last - 1}"`);
    assert.ok(newest > 0, 'the newest call is in history.log');
    const start = bytes.lastIndexOf(RECORD_MAGIC, newest);
    bytes.fill(0, start, start + RECORD_MAGIC.length);
    bytes.fill(0x5a, newest + 5_000, newest + 7_000);
    writeFileSync(active, bytes);

    const { store: loaded, report } = await open(crashed, 10);
    assert.equal(report.loaded, 10);
    assert.equal(report.skippedRecords, 1);
    assert.match(report.message ?? '', /incomplete/);
    const expected = range(last - 11, last - 1).reverse().map((i) => `e${i}`);
    assert.deepEqual(ids(loaded), expected);
    for (const id of expected) assert.deepEqual((await loaded.readExchange(id))?.request.body.bytes, patternBytes(10_000, Number(id.slice(1))));
  });

  it('persists deletions', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir);
    for (let i = 0; i < 5; i++) store.append(makeExchange(`e${i}`));
    const changes = recording(store);

    await store.delete('e2');
    await store.delete('missing');
    assert.deepEqual(changes, [{ kind: 'removed', ids: ['e2'] }]);
    assert.equal(store.get('e2'), undefined);
    assert.equal(await store.readExchange('e2'), undefined);

    const { store: reopened } = await reopen(store, dir);
    assert.deepEqual(ids(reopened), ['e4', 'e3', 'e1', 'e0']);
  });

  it('replaces an entry appended again under the same id', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir);
    store.append(makeExchange('a', { requestBody: Buffer.from('first') }));
    store.append(makeExchange('b'));
    store.append(makeExchange('a', { requestBody: Buffer.from('second') }));

    assert.deepEqual(ids(store), ['a', 'b']);
    const { store: reopened } = await reopen(store, dir);
    assert.deepEqual(ids(reopened), ['a', 'b']);
    assert.equal((await reopened.readExchange('a'))?.request.body.bytes.toString(), 'second');
  });

  it('persists a clear, including appends queued right after it', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir);
    for (let i = 0; i < 5; i++) store.append(makeExchange(`e${i}`, { requestBody: patternBytes(1000, i) }));
    const changes = recording(store);

    const cleared = store.clear();
    store.append(makeExchange('after'));
    assert.deepEqual(changes.map((change) => change.kind), ['cleared', 'added']);
    await cleared;
    await store.flush();
    assert.deepEqual(ids(store), ['after']);
    assert.ok(historyBytes(dir) < 1000, 'the log was emptied');

    const { store: reopened } = await reopen(store, dir);
    assert.deepEqual(ids(reopened), ['after']);
    assert.deepEqual(await reopened.readExchange('after'), makeExchange('after'));
  });

  it('closes idempotently and ignores appends after closing', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir);
    store.append(makeExchange('kept'));
    await Promise.all([store.close(), store.close()]);
    await store.close();
    store.append(makeExchange('late'));
    await assert.rejects(store.delete('kept'), /closed/);

    const { store: reopened } = await open(dir);
    assert.deepEqual(ids(reopened), ['kept']);
  });

  it('keeps its folder and files private to the user', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = join(await dirs.make(), 'nested', 'storage');
    const { store } = await open(dir, 100);
    // Every kind of file the log makes is checked: segments, then the compacted log.
    await writeSegments(dir, store);
    for (const { name } of historyFiles(dir)) assert.equal((await stat(join(dir, name))).mode & 0o777, 0o600, name);
    await thinOut(store);
    await store.close();

    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.deepEqual(historyFiles(dir).map((file) => file.name), ['history.log'], 'the log was compacted');
    assert.equal((await stat(join(dir, 'history.log'))).mode & 0o777, 0o600);
  });
});
