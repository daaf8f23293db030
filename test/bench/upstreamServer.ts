import { createServer } from 'node:http';
import type { BenchServer } from './benchServer';
import { closeServer, IDLE_KEEP_ALIVE_MS, listenOnLoopback } from './benchServer';

/** The stand-in dev server: drains the body and answers a small JSON, the cheapest realistic upstream. */
export async function startUpstream(): Promise<BenchServer> {
  const server = createServer({ keepAlive: true }, (req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.once('end', () => {
      const answer = `{"ok":true,"received":${bytes}}`;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  server.keepAliveTimeout = IDLE_KEEP_ALIVE_MS;
  const port = await listenOnLoopback(server);
  return { port, settle: async () => {}, recorded: () => 0, close: () => closeServer(server) };
}
