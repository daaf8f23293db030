import { request } from 'node:http';
import type { Agent, OutgoingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One webhook POST, repeated: where to, what, and over which keep-alive pool. */
export interface LoadTarget {
  readonly port: number;
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
  /** Keep-alive, one pool per variant and cell, sized to the concurrency so connections are reused, not churned. */
  readonly agent: Agent;
}

/** Stop after a wall time (matrix rounds) or after a number of requests (memory phase). */
export type RoundLimit = { readonly durationMs: number } | { readonly requests: number };

export interface RoundResult {
  readonly completed: number;
  readonly failed: number;
  readonly elapsedMs: number;
  readonly latenciesMs: number[];
  readonly firstError?: string;
}

/** Resolves with an error message, or undefined when the call got a 200 and its whole response body. */
function postOnce(target: LoadTarget): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: target.port, path: target.path, method: 'POST', headers: target.headers, agent: target.agent }, (res) => {
      res.on('data', () => {});
      res.once('end', () => resolve(res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`));
      res.once('error', (error) => resolve(error.message));
    });
    req.once('error', (error) => resolve(error.message));
    req.end(target.body);
  });
}

/**
 * `concurrency` closed loops, each sending the next request as soon as the previous one has its full
 * response: a fixed number in flight, like a burst of webhook deliveries, with latency measured per call.
 */
export async function runRound(target: LoadTarget, concurrency: number, limit: RoundLimit): Promise<RoundResult> {
  const latenciesMs: number[] = [];
  let failed = 0;
  let issued = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = 'durationMs' in limit ? started + limit.durationMs : Number.POSITIVE_INFINITY;
  const budget = 'requests' in limit ? limit.requests : Number.POSITIVE_INFINITY;
  const loop = async (): Promise<void> => {
    while (issued < budget && performance.now() < deadline) {
      issued++;
      const t0 = performance.now();
      const error = await postOnce(target);
      if (error === undefined) latenciesMs.push(performance.now() - t0);
      else {
        failed++;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { completed: latenciesMs.length, failed, elapsedMs: performance.now() - started, latenciesMs, firstError };
}
