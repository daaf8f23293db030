import { CaptureProxy } from '../../src/core/capture/captureProxy';
import { parseUpstream } from '../../src/core/config/upstream';
import { HistoryStore } from '../../src/core/history/historyStore';
import type { BenchServer } from './benchServer';

export interface CaptureSettings {
  readonly maxEntries: number;
  readonly maxBodyBytes: number;
  readonly upstreamTimeoutMs: number;
}

/**
 * The capture proxy wired as the extension wires it: every exchange goes straight into the history store.
 * With `historyDir` undefined, exchanges are dropped instead, which isolates the proxy's own cost (diagnosis only).
 */
export async function startCaptureServer(upstreamOrigin: string, historyDir: string | undefined, settings: CaptureSettings): Promise<BenchServer> {
  const store = historyDir === undefined ? undefined : (await HistoryStore.open(historyDir, { maxEntries: settings.maxEntries })).store;
  let recorded = 0;
  const proxy = await CaptureProxy.start({
    upstream: parseUpstream(upstreamOrigin),
    maxBodyBytes: settings.maxBodyBytes,
    upstreamTimeoutMs: settings.upstreamTimeoutMs,
    onExchange: (exchange) => {
      store?.append(exchange);
      recorded++;
    },
  });
  return {
    port: proxy.port,
    settle: async () => store?.flush(),
    recorded: () => recorded,
    close: async () => {
      await proxy.close();
      await store?.close();
    },
  };
}
