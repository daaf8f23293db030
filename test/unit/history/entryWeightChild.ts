/*
 * Child process for the entry-weight test (run with --expose-gc): records calls through a real capture
 * proxy into a history store, each call with a large head of its own: a third of them through the tunnel's
 * socket with an X-Forwarded-For address, a third marked as replays, each answered with a large head
 * and a status text of its own, and prints how much JS heap each history entry added.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureProxy } from '../../../src/core/capture/captureProxy';
import { replayHeader, replayHeaderValue } from '../../../src/core/capture/replayMarker';
import { parseUpstream } from '../../../src/core/config/upstream';
import { HistoryStore } from '../../../src/core/history/historyStore';
import { readAll, startServer } from '../../support/httpServers';

/** Both multiples of 3: each kind of call gets the same share. */
const WARMUP_CALLS = 300;
const CALLS = 450;
/** Under Node's 16 KiB head limit, which the upstream (a Node server) enforces. */
const FILLER_BYTES = 12 * 1024;

function collect(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage();
}

interface Target {
  readonly address: { port: number } | { socketPath: string };
  readonly replayToken?: string;
}

function call(target: Target, i: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      // Unique per call, so no two heads share a string.
      'X-Filler': `${i}-`.padEnd(FILLER_BYTES, 'abcdefghij'),
      'X-Forwarded-For': `2001:db8::${i.toString(16)}:cafe, 10.0.0.1`,
      'Content-Type': 'application/json',
    };
    if (target.replayToken) headers[replayHeader] = replayHeaderValue(target.replayToken, { replayOf: randomUUID(), id: randomUUID() });
    const req = request({ ...target.address, method: 'POST', path: `/webhooks/github/delivery/${i}?attempt=1`, headers, agent: false }, (res) => {
      readAll(res).then(() => resolve(res.statusCode ?? 0), reject);
    });
    req.once('error', reject);
    req.end(`{"call":${i}}`);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'entry-weight-'));
  const upstream = await startServer((req, res) => {
    void readAll(req).then(() => {
      const call = req.url?.split('/').at(-1)?.split('?')[0] ?? '';
      res.writeHead(200, `OK, stored as delivery ${call}`, { 'X-Filler': `${call}-`.padEnd(FILLER_BYTES, 'klmnopqrst') });
      res.end('ok');
    });
  });
  const { store } = await HistoryStore.open(dir, { maxEntries: 10_000 });
  const proxy = await CaptureProxy.start({ upstream: parseUpstream(upstream.origin), maxBodyBytes: 1 << 20, upstreamTimeoutMs: 10_000, onExchange: (exchange) => store.append(exchange) });
  const local = { port: proxy.port };
  const kinds: Target[] = [{ address: local }, { address: { socketPath: await proxy.tunnelAddress() } }, { address: local, replayToken: proxy.replayToken }];
  try {
    // Warm up everything that is allocated once (code, pools), then measure only what entries add.
    for (let i = 0; i < WARMUP_CALLS; i++) await call(kinds[i % 3]!, i);
    await store.flush();
    const before = collect();
    const statuses = new Set<number>();
    for (let i = WARMUP_CALLS; i < WARMUP_CALLS + CALLS; i++) statuses.add(await call(kinds[i % 3]!, i));
    await store.flush();
    const after = collect();
    const entries = store.entries();
    const weight = {
      sent: WARMUP_CALLS + CALLS,
      entries: entries.length,
      statuses: [...statuses],
      addresses: new Set(entries.map((entry) => entry.clientAddress)).size,
      replays: entries.filter((entry) => entry.replayOf !== undefined).length,
      heapPerEntry: (after.heapUsed - before.heapUsed) / CALLS,
      headBytes: FILLER_BYTES,
    };
    process.stdout.write(`${JSON.stringify(weight)}\n`);
  } finally {
    await proxy.close();
    await store.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
