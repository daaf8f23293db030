/**
 * Entry of the edge child: the project's LOCAL ngrok-compatible edge (test/edge, not ngrok) in its own process,
 * so it neither shares an event loop with the load generator nor blurs the agents' CPU readings. Agents are told
 * the URL that really answers (`reachableUrls`), `http://<name>.localhost:<publicPort>`, as `npm start` does.
 */
import { EventEmitter } from 'node:events';
import { LocalEdge } from '../edge/localEdge';
import { failStart, serveParent } from './childLoop';
import type { EdgeChildSpec } from './childProtocol';

async function main(): Promise<void> {
  // Each muxado stream waiting for the agent socket to drain adds a listener to it; at c32 that passes Node's
  // default of 10 and prints a MaxListenersExceededWarning per burst. Not a leak (they go once drained).
  EventEmitter.defaultMaxListeners = 256;
  const spec = JSON.parse(process.argv[2] ?? '{}') as EdgeChildSpec;
  const edge = await LocalEdge.start({ reachableUrls: true, ...(spec.ackPolicy ? { ackPolicy: spec.ackPolicy } : {}) });
  serveParent(
    'edge',
    { port: edge.publicPort, settle: async () => {}, recorded: () => 0, close: () => edge.close() },
    { edge: { serverAddr: edge.serverAddr, caPem: edge.caPem, publicPort: edge.publicPort } },
  );
}

main().catch(failStart);
