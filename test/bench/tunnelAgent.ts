/**
 * The three agents the tunnel phase compares, each run in its own child (tunnelChild.ts):
 *   tunnelCapture: TunnelController.start(captureSettings, publicSettings), exactly what Start Tunnel does in the
 *                  extension host: the capture proxy (recording into the history store) with the SDK's listener
 *                  forwarding to it;
 *   tunnelSdk:     the same SDK session and listener (src/core/tunnel/ngrokSdk.ts, the extension's one door to the
 *                  SDK) forwarding straight to the upstream: the tunnel without the capture hop;
 *   tunnelRelay:   the SDK forwarding, as to the capture proxy, to a Unix socket in this process whose connections
 *                  are piped to the upstream untouched: the floor for any hop the extension puts there, since the
 *                  SDK hands connections only to an address (it has no accept API).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exchange } from '../../src/core/capture/exchange';
import { HistoryStore } from '../../src/core/history/historyStore';
import type { CaptureSettings as ControllerCaptureSettings, PublicTunnelSettings } from '../../src/core/tunnel/captureSettings';
import { connectSession } from '../../src/core/tunnel/ngrokSdk';
import { TunnelController } from '../../src/core/tunnel/tunnelController';
import type { TunnelState } from '../../src/core/tunnel/tunnelState';
import type { BenchServer } from './benchServer';
import type { CaptureSettings } from './captureServer';
import type { EdgeInfo } from './childProtocol';

/** Any token does for the local edge; the extension's defaults for the rest. */
export function benchPublicSettings(edge: EdgeInfo): PublicTunnelSettings {
  return {
    session: {
      authtoken: 'bench-authtoken',
      serverAddr: edge.serverAddr,
      caCertificate: Buffer.from(edge.caPem),
      clientVersion: '0.1.0',
      heartbeatIntervalMs: 10_000,
      heartbeatToleranceMs: 15_000,
    },
    listener: {},
    authtokenSource: 'bench',
  };
}

export function controllerCaptureSettings(upstream: string, capture: CaptureSettings): ControllerCaptureSettings {
  return { upstream, port: 0, maxBodyBytes: capture.maxBodyBytes, upstreamTimeoutMs: capture.upstreamTimeoutMs };
}

/** A running agent: `port` is the edge's public port, `url` the public URL whose host routes to this tunnel. */
export interface TunnelServer extends BenchServer {
  readonly url: string;
}

/** `http://<name>.localhost:<publicPort>` → its port, where the load generator connects (Host names the tunnel). */
function publicPortOf(url: string): number {
  const port = Number(new URL(url).port);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`the public URL ${url} names no port (is the edge started with reachableUrls?)`);
  return port;
}

/** The history store the extension records into, opened as LazyHistory opens it (before Start Tunnel). */
export async function openHistory(dir: string, maxEntries: number): Promise<{ readonly store: HistoryStore; readonly record: (exchange: Exchange) => void; recorded(): number }> {
  const { store } = await HistoryStore.open(dir, { maxEntries });
  let recorded = 0;
  return {
    store,
    record: (exchange) => {
      store.append(exchange);
      recorded++;
    },
    recorded: () => recorded,
  };
}

/** Start Tunnel as the extension does it; `history` must already be open (it is, long before, in the extension). */
export async function startTunnelWithCapture(
  edge: EdgeInfo,
  upstream: string,
  capture: CaptureSettings,
  history: Awaited<ReturnType<typeof openHistory>>,
): Promise<TunnelServer> {
  const controller = new TunnelController(history.record);
  const state: TunnelState = await controller.start(controllerCaptureSettings(upstream, capture), benchPublicSettings(edge));
  if (state.kind !== 'on') throw new Error(`the tunnel did not come up: ${JSON.stringify(state)}`);
  return {
    url: state.url,
    port: publicPortOf(state.url),
    settle: () => history.store.flush(),
    recorded: history.recorded,
    close: async () => {
      await controller.stop();
      controller.dispose();
      await history.store.close();
    },
  };
}

/** One SDK session and HTTP listener forwarding to `forwardTo`; `closeAfter` runs once both are closed. */
async function startSdkForwardingTo(edge: EdgeInfo, forwardTo: string, closeAfter: () => Promise<void> = async () => {}): Promise<TunnelServer> {
  const settings = benchPublicSettings(edge);
  const session = await connectSession({ ...settings.session, onHeartbeat: () => undefined, onDisconnect: () => true });
  const listener = await session.openListener({ forwardTo });
  return {
    url: listener.url,
    port: publicPortOf(listener.url),
    settle: async () => {},
    recorded: () => 0,
    close: async () => {
      await listener.close().catch(() => undefined);
      await session.close().catch(() => undefined);
      await closeAfter();
    },
  };
}

/** The SDK alone: one session, one HTTP listener forwarding to the upstream (no capture proxy). */
export function startSdkOnly(edge: EdgeInfo, upstream: string): Promise<TunnelServer> {
  return startSdkForwardingTo(edge, new URL(upstream).host);
}

/** The SDK forwarding to a bare relay in this process (see the top of this file): nothing parsed, nothing recorded. */
export async function startSdkWithRelay(edge: EdgeInfo, upstream: string): Promise<TunnelServer> {
  const target = new URL(upstream);
  const dir = await mkdtemp(join(tmpdir(), 'webhook-tunnel-relay-'));
  const path = join(dir, 'relay.sock');
  const open = new Set<Socket>();
  const relay = createServer({ allowHalfOpen: true }, (client) => {
    const server = connect({ host: target.hostname, port: Number(target.port), allowHalfOpen: true, noDelay: true });
    const end = (): void => {
      client.destroy();
      server.destroy();
      open.delete(client);
      open.delete(server);
    };
    for (const socket of [client, server]) {
      open.add(socket);
      socket.once('error', end).once('close', end);
    }
    client.pipe(server);
    server.pipe(client);
  });
  await new Promise<void>((resolve, reject) => relay.once('error', reject).listen(path, resolve));
  return startSdkForwardingTo(edge, path, async () => {
    for (const socket of open) socket.destroy();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });
}
