import { randomUUID } from 'node:crypto';
import type { Exchange } from '../../src/core/capture/exchange';
import { HistoryStore } from '../../src/core/history/historyStore';
import { historyBytes } from '../support/historyFiles';
import type { BenchPlan } from './benchConfig';
import type { HistoryLoadSample } from './historyLoadChild';
import { sampleFromChild } from './oneShotChild';
import { webhookBody, webhookHeaders } from './payloads';
import { median } from './stats';

export interface HistoryLoad {
  readonly entries: number;
  /** Every segment file together (`history.log` and `history.<n>.log`). */
  readonly fileBytes: number;
  readonly runsMs: readonly number[];
  readonly medianMs: number;
}

/** Shaped like what the capture proxy records for a 2 KB webhook, headers included. */
function sampleExchange(index: number, body: Buffer, rawHeaders: readonly string[]): Exchange {
  const answer = Buffer.from(`{"ok":true,"received":${body.length}}`);
  return {
    id: randomUUID(),
    startedAt: 1_700_000_000_000 + index * 1000,
    timings: { upstreamHeadersMs: 1.2, totalMs: 1.9 },
    clientAddress: '127.0.0.1',
    upstream: 'http://localhost:3000',
    request: { method: 'POST', url: `/webhooks/github?delivery=${index}`, httpVersion: '1.1', rawHeaders, body: { bytes: body, size: body.length, truncated: false } },
    response: {
      statusCode: 200,
      statusMessage: 'OK',
      rawHeaders: ['Content-Type', 'application/json', 'Content-Length', String(answer.length), 'Date', new Date(0).toUTCString(), 'Connection', 'keep-alive', 'Keep-Alive', 'timeout=5'],
      body: { bytes: answer, size: answer.length, truncated: false },
    },
  };
}

async function openInFreshProcess(dir: string, maxEntries: number): Promise<HistoryLoadSample> {
  const sample = await sampleFromChild<HistoryLoadSample | { readonly error: string }>('historyLoadChild.js', [dir, String(maxEntries)], (why) => ({ error: `history load: ${why}` }));
  if ('error' in sample) throw new Error(sample.error);
  return sample;
}

/** Writes `historyLoadEntries` exchanges through the store, closes it, then times opening it in fresh processes. */
export async function measureHistoryLoad(dir: string, plan: BenchPlan, progress: (line: string) => void): Promise<HistoryLoad> {
  const entries = plan.historyLoadEntries;
  progress(`history load: writing ${entries} exchanges`);
  const body = webhookBody(2 * 1024);
  const rawHeaders = Object.entries({ Host: '127.0.0.1:3000', ...webhookHeaders(body), Connection: 'keep-alive' }).flat();
  const { store } = await HistoryStore.open(dir, { maxEntries: entries });
  for (let i = 0; i < entries; i++) {
    store.append(sampleExchange(i, body, rawHeaders));
    // Bounds how much waits in memory at once, as a real capture rate would.
    if (i % 500 === 499) await store.flush();
  }
  await store.close();
  const fileBytes = historyBytes(dir);
  const runsMs: number[] = [];
  for (let run = 0; run < plan.historyLoadRuns; run++) {
    const sample = await openInFreshProcess(dir, entries);
    if (sample.loaded !== entries) throw new Error(`opening the history loaded ${sample.loaded} of ${entries} exchanges`);
    runsMs.push(sample.ms);
  }
  return { entries, fileBytes, runsMs, medianMs: median(runsMs) };
}
