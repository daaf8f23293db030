import { connect as netConnect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Upstream } from '../config/upstream';

/**
 * Opens a connection to the dev server. Each sender connection gets its own, kept for as long as both stay
 * open (a keep-alive connection pinned to the sender's), so the bytes of one can pass to the other verbatim.
 */
export function connectUpstream(upstream: Upstream): Socket {
  const socket =
    upstream.protocol === 'https:'
      ? tlsConnect({
          host: upstream.hostname,
          port: upstream.port,
          // SNI takes host names only.
          ...(isIP(upstream.hostname) === 0 ? { servername: upstream.hostname } : {}),
          ALPNProtocols: ['http/1.1'],
        })
      : netConnect({ host: upstream.hostname, port: upstream.port });
  socket.setNoDelay(true);
  return socket;
}
