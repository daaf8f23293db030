import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server the bench runs in a child process: the upstream or one of the proxies under test. */
export interface BenchServer {
  readonly port: number;
  /** Resolves once work queued by requests already answered (file writes) is done, so it lands in their round. */
  settle(): Promise<void>;
  /** Exchanges recorded so far, for recorders; lets the memory phase confirm every call was captured. */
  recorded(): number;
  close(): Promise<void>;
}

export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Between rounds a variant sits idle while the others run; a server closing an idle keep-alive socket just as
 * a client reuses it shows up as a spurious reset, so the bench's own servers keep idle connections long.
 */
export const IDLE_KEEP_ALIVE_MS = 60_000;
