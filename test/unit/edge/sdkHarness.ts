// Helpers for driving the REAL @ngrok/ngrok SDK against the local edge: sessions, an upstream
// server, a public-side HTTP client that resolves *.localhost like a browser, and cleanup.
// eslint-disable-next-line no-restricted-imports -- the edge's tests must run the real SDK (never a stub) against it
import * as ngrok from '@ngrok/ngrok';
import { createServer, request as httpRequest } from 'node:http';
import type { Agent, IncomingHttpHeaders, RequestListener, Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import type { LocalEdge } from '../../edge/localEdge';
import { readAll } from '../../support/httpServers';

export { ngrok };

export interface SessionOptions {
  readonly authtoken?: string;
  /** Seconds. */
  readonly heartbeatInterval?: number;
  /** Seconds. */
  readonly heartbeatTolerance?: number;
  readonly onHeartbeat?: (latency: number | null) => void;
  readonly onDisconnection?: (addr: string, error: string) => boolean;
  readonly onStop?: () => void;
}

export function sessionBuilder(edge: LocalEdge, options: SessionOptions = {}): ngrok.SessionBuilder {
  const builder = new ngrok.SessionBuilder()
    .authtoken(options.authtoken ?? 'test-token')
    .serverAddr(edge.serverAddr)
    .caCert(Buffer.from(edge.caPem))
    .clientInfo('webhook-tunnel-test', '0.0.0');
  if (options.heartbeatInterval !== undefined) builder.heartbeatInterval(options.heartbeatInterval);
  if (options.heartbeatTolerance !== undefined) builder.heartbeatTolerance(options.heartbeatTolerance);
  // The .d.ts says number, but the SDK passes null when a heartbeat goes unanswered.
  if (options.onHeartbeat) builder.handleHeartbeat(options.onHeartbeat as (latency: number) => void);
  if (options.onDisconnection) builder.handleDisconnection(options.onDisconnection);
  if (options.onStop) builder.handleStopCommand(options.onStop);
  return builder;
}

/** Runs registered teardown steps in reverse order, each at most once, ignoring their errors. */
export class Cleanup {
  private readonly steps: Array<() => unknown> = [];

  add(step: () => unknown): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      try {
        await step?.();
      } catch {
        // teardown of something already gone
      }
    }
  }
}

/** Closes listeners first, then the session (the order the protocol notes recommend). */
export function closeSession(cleanup: Cleanup, session: ngrok.Session): void {
  cleanup.add(async () => {
    for (const listener of await session.listeners()) await listener.close().catch(() => undefined);
    await session.close();
  });
}

/** Starts forwarding; the promise settles only when forwarding stops, so keep it and catch it. */
export function forward(listener: ngrok.Listener, port: number): { readonly settled: Promise<Error | null> } {
  const settled = listener.forward(`127.0.0.1:${port}`).then(
    () => null,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  return { settled };
}

export interface Upstream {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

export async function startUpstream(handler: RequestListener): Promise<Upstream> {
  const server = createServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves `*.localhost` to 127.0.0.1 as browsers and curl do (glibc does not, here). */
export const localhostLookup: LookupFunction = (hostname, options, callback) => {
  const all = typeof options === 'object' && options !== null && 'all' in options && options.all === true;
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    if (all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  callback(new Error(`test lookup: ${hostname} is not under localhost`), '', 4);
};

export interface PublicResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request to the public side. `rawHeaders` keeps order and case; Host comes from the URL. */
export function publicRequest(url: string, options: { method?: string; rawHeaders?: string[]; body?: Buffer; agent?: Agent | false } = {}): Promise<PublicResponse> {
  return new Promise((resolve, reject) => {
    const headers = [...(options.rawHeaders ?? [])];
    if (!headers.some((name, i) => i % 2 === 0 && name.toLowerCase() === 'host')) headers.unshift('Host', new URL(url).host);
    const req = httpRequest(url, { method: options.method ?? 'GET', headers, agent: options.agent ?? false, lookup: localhostLookup });
    req.once('error', reject);
    req.once('response', (res) => {
      readAll(res).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), reject);
    });
    req.end(options.body);
  });
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Requests the URL until it answers 200 (after a reconnect the tunnel is briefly offline). */
export async function waitForOnline(url: string, timeoutMs = 5000): Promise<PublicResponse> {
  let last: PublicResponse | null = null;
  await waitUntil(
    async () => {
      last = await publicRequest(url).catch(() => null);
      return last?.status === 200;
    },
    `${url} to answer 200`,
    timeoutMs,
  );
  return last as unknown as PublicResponse;
}
