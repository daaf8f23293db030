import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exchange } from '../../../src/core/capture/exchange';
import { HISTORY_FILE_NAME } from '../../../src/core/history/historyFile';
import { HistoryStore } from '../../../src/core/history/historyStore';
import type { HistoryChange, HistoryLoadReport } from '../../../src/core/history/historyStore';
import { allByteValues, makeExchange, patternBytes, TempDirs } from './historyFixtures';

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
  const fileSize = (dir: string): number => statSync(join(dir, HISTORY_FILE_NAME)).size;

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
    // Larger than the loader's read window, so it is verified in parts.
    const huge = makeExchange('huge', { requestBody: patternBytes(5 * 1024 * 1024 + 3, 9), responseBody: patternBytes(70_000, 10) });
    return [binary, truncated, noResponse, huge];
  }

  it('keeps exchanges byte-exact across a reopen, newest first', async () => {
    const dir = await dirs.make();
    const { store, report } = await open(dir);
    assert.deepEqual(report, { loaded: 0, skippedRecords: 0, skippedBytes: 0 });
    const exchanges = richExchanges();
    for (const exchange of exchanges) store.append(exchange);

    assert.deepEqual(ids(store), ['huge', 'no-response', 'truncated', 'binary']);
    assert.deepEqual(store.get('truncated')?.request.body, { size: 1_000_000, truncated: true, recordedBytes: 64 });
    assert.deepEqual(store.get('truncated')?.request.rawHeaders, exchanges[1]!.request.rawHeaders);
    assert.equal(store.get('no-response')?.response, undefined);
    // Read before any flush: the read must wait for the queued write rather than fail.
    assert.deepEqual(await store.readExchange('binary'), exchanges[0]);

    const before = store.entries();
    const again = await reopen(store, dir);
    assert.deepEqual(again.report, { loaded: 4, skippedRecords: 0, skippedBytes: 0 });
    assert.deepEqual(again.store.entries(), before);
    for (const exchange of exchanges) assert.deepEqual(await again.store.readExchange(exchange.id), exchange);
    assert.equal(await again.store.readExchange('missing'), undefined);
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
    assert.equal(fileSize(dir), 0, 'appends are queued, not written inline');
    await store.flush();
    assert.ok(fileSize(dir) > 2000 * 3000);

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

  it('compacts the file as entries die, keeping the live ones intact', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 10);
    const bodySize = 10_000;
    for (let i = 0; i < 200; i++) {
      store.append(makeExchange(`e${i}`, { requestBody: patternBytes(bodySize, i) }));
      // Reads interleave with the rewrites and must still find their record.
      if (i % 25 === 0) assert.deepEqual((await store.readExchange(`e${i}`))?.request.body.bytes, patternBytes(bodySize, i));
    }
    const expected = Array.from({ length: 10 }, (_, i) => `e${199 - i}`);
    assert.deepEqual(ids(store), expected);
    await store.flush();
    assert.ok(fileSize(dir) < 30 * bodySize, `file is ${fileSize(dir)} bytes, ${200 * bodySize} were appended`);

    const { store: reopened, report } = await reopen(store, dir, 10);
    assert.deepEqual(report, { loaded: 10, skippedRecords: 0, skippedBytes: 0 });
    assert.deepEqual(ids(reopened), expected);
    for (const id of expected) assert.deepEqual((await reopened.readExchange(id))?.request.body.bytes, patternBytes(bodySize, Number(id.slice(1))));
  });

  it('compacts on open when the history is over the bound', async () => {
    const dir = await dirs.make();
    const { store } = await open(dir, 100);
    for (let i = 0; i < 50; i++) store.append(makeExchange(`e${i}`, { requestBody: patternBytes(5000, i) }));
    await store.flush();
    const sizeBefore = fileSize(dir);

    const { store: reopened, report } = await reopen(store, dir, 10);
    assert.equal(report.loaded, 10);
    assert.ok(fileSize(dir) < sizeBefore / 4, `${fileSize(dir)} of ${sizeBefore} bytes left`);
    assert.deepEqual(ids(reopened), Array.from({ length: 10 }, (_, i) => `e${49 - i}`));
    assert.deepEqual((await reopened.readExchange('e40'))?.request.body.bytes, patternBytes(5000, 40));
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
    assert.ok(fileSize(dir) < 1000, 'the file was emptied');

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
    const { store } = await open(dir, 2);
    for (let i = 0; i < 40; i++) store.append(makeExchange(`e${i}`));
    await store.flush();
    await store.close();

    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    // Checked after a compaction, whose rewritten file replaced the first one.
    assert.ok(fileSize(dir) < 2000, 'the log was compacted');
    assert.equal((await stat(join(dir, HISTORY_FILE_NAME))).mode & 0o777, 0o600);
  });
});
