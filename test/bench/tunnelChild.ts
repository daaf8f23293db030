/**
 * Entry of an agent child behind the local edge: the extension's tunnel (TunnelController: SDK + capture proxy +
 * history store, as in the extension host), the SDK alone forwarding to the upstream, or the SDK forwarding to a
 * bare relay piped to the upstream (see tunnelAgent.ts). One per process, so the parent reads each one's CPU (the
 * SDK's tokio threads included) from /proc.
 *
 * Memory mode (`spec.memory`, with --expose-gc): the core modules are loaded and the history is open, then memory
 * is read (GC'd) before start and again once the tunnel is online; both go to the parent with `ready`. The
 * parent then sends its requests through the edge and asks for a third reading. The SDK-only role does the
 * same (history open, nothing recorded into it), as the baseline that tells the SDK's share from the capture's.
 */
import { failStart, measureMemory, serveParent } from './childLoop';
import type { MemoryFigures, TunnelChildSpec } from './childProtocol';
import type { TunnelServer } from './tunnelAgent';
import { openHistory, startSdkOnly, startSdkWithRelay, startTunnelWithCapture } from './tunnelAgent';

/** The SDK-only and relay agents keep the (unused) history open until they close, as the extension would. */
function withHistoryClosed(server: TunnelServer, store: { close(): Promise<void> }): TunnelServer {
  return {
    ...server,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as TunnelChildSpec;
  // Every role opens the history first, as the extension has it open long before Start Tunnel: same baseline.
  const history = await openHistory(spec.scratchDir, spec.capture.maxEntries);
  let memoryBefore: MemoryFigures | undefined;
  if (spec.memory) memoryBefore = await measureMemory({ settle: () => history.store.flush(), recorded: history.recorded });
  const server =
    spec.role === 'tunnelCapture'
      ? await startTunnelWithCapture(spec.edge, spec.upstream, spec.capture, history)
      : withHistoryClosed(await (spec.role === 'tunnelRelay' ? startSdkWithRelay : startSdkOnly)(spec.edge, spec.upstream), history.store);
  const memoryOnline = spec.memory ? await measureMemory(server) : undefined;
  serveParent(spec.role, server, { url: server.url, ...(memoryBefore && memoryOnline ? { memoryBefore, memoryOnline } : {}) });
}

main().catch(failStart);
