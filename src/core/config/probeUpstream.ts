import { connect } from 'node:net';
import type { Upstream } from './upstream';

/** Whether something accepts TCP connections at the dev server's address; used only to warn early. */
export function probeUpstream(upstream: Upstream, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: upstream.hostname, port: upstream.port });
    const done = (reachable: boolean): void => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
