import { Agent, createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { BenchServer } from './benchServer';
import { closeServer, IDLE_KEEP_ALIVE_MS, listenOnLoopback } from './benchServer';

/** Told about each call as it starts; returns what to do with the upstream's response once it arrives. */
export type ExchangeObserver = (req: IncomingMessage, res: ServerResponse) => (upstreamResponse: IncomingMessage) => void;

export interface PassThroughOptions {
  readonly observe?: ExchangeObserver;
  readonly settle?: () => Promise<void>;
  readonly recorded?: () => number;
}

/**
 * The reference: the least a Node proxy can do (createServer + request through a keep-alive agent, bodies
 * piped both ways, no recording). The agent is tuned like the capture proxy's so the comparison is about
 * recording, not about connection reuse.
 */
export async function startPassThrough(upstream: URL, options: PassThroughOptions = {}): Promise<BenchServer> {
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 64, scheduling: 'lifo' });
  const { observe } = options;
  const server: Server = createServer({ keepAlive: true }, (req, res) => {
    const onResponse = observe?.(req, res);
    const upstreamRequest = request({
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent,
    });
    upstreamRequest.on('response', (upstreamResponse) => {
      onResponse?.(upstreamResponse);
      res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      upstreamResponse.pipe(res);
    });
    upstreamRequest.on('error', () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    });
    req.pipe(upstreamRequest);
  });
  server.keepAliveTimeout = IDLE_KEEP_ALIVE_MS;
  const port = await listenOnLoopback(server);
  return {
    port,
    settle: options.settle ?? (async () => {}),
    recorded: options.recorded ?? (() => 0),
    close: async () => {
      await closeServer(server);
      agent.destroy();
    },
  };
}
