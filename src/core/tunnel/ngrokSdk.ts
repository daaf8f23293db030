// The only module that touches @ngrok/ngrok, and only when a tunnel starts: the native module costs ~15 ms and
// ~7 MB to load, and a missing or wrong-platform binary must become a message, not a failed activation.
import type * as Ngrok from '@ngrok/ngrok';
import type { Listener, Session } from '@ngrok/ngrok';

type NgrokModule = typeof Ngrok;

export class NativeModuleError extends Error {
  override readonly name = 'NativeModuleError';
}

/** The VS Code target this machine needs (`vsce package --target`), which is not simply platform-arch. */
export function vscodeTarget(): string {
  const arch = process.arch === 'arm' ? 'armhf' : process.arch;
  if (process.platform !== 'linux') return `${process.platform}-${arch}`;
  // musl (Alpine) has no glibc version in the process report.
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return `${header?.glibcVersionRuntime ? 'linux' : 'alpine'}-${arch}`;
}

async function loadSdk(extensionVersion: string): Promise<NgrokModule> {
  try {
    return await import('@ngrok/ngrok');
  } catch (cause) {
    const target = vscodeTarget();
    throw new NativeModuleError(
      `This Webhook Tunnel build has no ngrok native module for ${target}. Install the ${target} build ` +
        `(webhook-tunnel-${target}-${extensionVersion}.vsix; the Marketplace picks it automatically). ` +
        `Local capture keeps working, and so do history and replay. (${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)})`,
    );
  }
}

export interface SessionSpec {
  readonly authtoken: string;
  /** host:port of the ngrok edge; ngrok's default when unset. */
  readonly serverAddr?: string;
  /** PEM bytes of the CA that signs the edge's certificate (TLS-inspecting proxies, the local test edge). */
  readonly caCertificate?: Buffer;
  readonly metadata?: string;
  readonly clientVersion: string;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatToleranceMs: number;
  /** Round-trip time of each heartbeat, or null when one went unanswered. */
  readonly onHeartbeat: (latencyMs: number | null) => void;
  /** Before each of the SDK's own reconnect attempts; return false to stop it from trying. */
  readonly onDisconnect: (error: string) => boolean;
}

export interface ListenerSpec {
  /** Where the edge's traffic goes: the capture proxy, `127.0.0.1:PORT`. */
  readonly forwardTo: string;
  readonly domain?: string;
  readonly metadata?: string;
  readonly poolingEnabled?: boolean;
  /** A Traffic Policy document (JSON). */
  readonly trafficPolicy?: string;
}

export interface AgentListener {
  readonly url: string;
  readonly id: string;
  /** Settles when forwarding ends: rejects when the edge stops the endpoint. */
  readonly forwarding: Promise<void>;
  close(): Promise<void>;
}

export interface AgentSession {
  openListener(spec: ListenerSpec): Promise<AgentListener>;
  close(): Promise<void>;
}

/** The JS builder takes heartbeat durations in whole seconds. */
const seconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));

export async function connectSession(spec: SessionSpec): Promise<AgentSession> {
  const ngrok = await loadSdk(spec.clientVersion);
  const builder = new ngrok.SessionBuilder()
    .authtoken(spec.authtoken)
    .clientInfo('webhook-tunnel', spec.clientVersion, 'VS Code extension')
    .heartbeatInterval(seconds(spec.heartbeatIntervalMs))
    .heartbeatTolerance(seconds(spec.heartbeatToleranceMs))
    // Typed as number, but the SDK passes null for an unanswered heartbeat.
    .handleHeartbeat(((latency: number | null) => spec.onHeartbeat(latency)) as (latency: number) => void)
    .handleDisconnection((_addr: string, error: string) => spec.onDisconnect(error));
  if (spec.serverAddr) builder.serverAddr(spec.serverAddr);
  if (spec.caCertificate) builder.caCert(spec.caCertificate);
  if (spec.metadata) builder.metadata(spec.metadata);
  const session: Session = await builder.connect();
  return {
    openListener: async (listenerSpec) => wrapListener(await buildListener(session, listenerSpec), listenerSpec.forwardTo),
    close: () => session.close(),
  };
}

function buildListener(session: Session, spec: ListenerSpec): Promise<Listener> {
  const builder = session.httpEndpoint();
  if (spec.domain) builder.domain(spec.domain);
  if (spec.metadata) builder.metadata(spec.metadata);
  if (spec.poolingEnabled) builder.poolingEnabled(true);
  if (spec.trafficPolicy) builder.trafficPolicy(spec.trafficPolicy);
  // listen(false): no extra net.Server of the SDK's own; traffic goes to the capture proxy through forward().
  return builder.listen(false);
}

function wrapListener(listener: Listener, forwardTo: string): AgentListener {
  const forwarding = listener.forward(forwardTo);
  // Observed by the owner; this keeps an unobserved rejection from crashing the extension host.
  forwarding.catch(() => undefined);
  return { url: listener.url() ?? '', id: listener.id(), forwarding, close: () => listener.close() };
}
