import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { BenchServer } from './benchServer';
import { startPassThrough } from './passThroughProxy';

/**
 * The contrast case: the pass-through plus the obvious way to record, each exchange buffered whole,
 * base64-encoded into a JSON line and appended to a file. It shows what recording costs when bodies are
 * re-encoded, which the capture proxy's raw-bytes store avoids.
 */
export function naiveLogPath(scratchDir: string): string {
  return join(scratchDir, 'naive-exchanges.jsonl');
}

export async function startNaiveRecorder(upstream: URL, scratchDir: string): Promise<BenchServer> {
  // Appending: the bench empties the file between rounds (see referenceRecordings.ts).
  const log = createWriteStream(naiveLogPath(scratchDir), { flags: 'a' });
  let recorded = 0;
  const server = await startPassThrough(upstream, {
    observe: (req, res) => {
      const requestChunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => requestChunks.push(chunk));
      return (upstreamResponse) => {
        const responseChunks: Buffer[] = [];
        upstreamResponse.on('data', (chunk: Buffer) => responseChunks.push(chunk));
        res.once('finish', () => {
          const line = JSON.stringify({
            time: new Date().toISOString(),
            method: req.method,
            url: req.url,
            requestHeaders: req.headers,
            requestBody: Buffer.concat(requestChunks).toString('base64'),
            status: upstreamResponse.statusCode,
            responseHeaders: upstreamResponse.headers,
            responseBody: Buffer.concat(responseChunks).toString('base64'),
          });
          log.write(`${line}\n`);
          recorded++;
        });
      };
    },
    // Write callbacks run in order, so an empty write's callback means every earlier line is on disk.
    settle: () => new Promise<void>((resolve) => log.write('', () => resolve())),
    recorded: () => recorded,
  });
  return {
    ...server,
    close: async () => {
      await server.close();
      await new Promise<void>((resolve) => log.end(() => resolve()));
    },
  };
}
