// The ngrok tunnel protocol's typed streams and JSON bodies, as the SDK (ngrok-rust 0.18.0)
// writes and expects them. PascalCase keys; nested option objects use snake_case.

export const StreamType = {
  Auth: 0,
  Bind: 1,
  Unbind: 2,
  Proxy: 3,
  Restart: 4,
  Stop: 5,
  Update: 6,
  StartTunnelWithLabel: 7,
  StopTunnel: 9,
  Heartbeat: 0xffffffff,
} as const;

/** Auth request (agent → edge). Extra's fields are as SDK 1.7.0 sends them; others are kept too. */
export interface AuthRequest {
  readonly Version: readonly string[];
  /** "" on the first connect; the previous AuthResp.ClientId on a reconnect. */
  readonly ClientId: string;
  readonly Extra: AuthExtra;
}

export interface AuthExtra {
  readonly OS?: string;
  readonly Arch?: string;
  readonly AuthToken?: string;
  readonly Version?: string;
  readonly Hostname?: string;
  /** e.g. "webhook-tunnel-test/0.0.0 ngrok-javascript/1.7.0 ngrok-rust/0.18.0" */
  readonly UserAgent?: string;
  readonly Metadata?: string;
  readonly Cookie?: string;
  /** Nanoseconds. */
  readonly HeartbeatInterval?: number;
  /** Nanoseconds. */
  readonly HeartbeatTolerance?: number;
  readonly UpdateUnsupportedError?: string;
  readonly StopUnsupportedError?: string;
  readonly RestartUnsupportedError?: string;
  readonly ProxyType?: string;
  readonly MutualTLS?: boolean;
  readonly ServiceRun?: boolean;
  readonly ConfigVersion?: string;
  readonly CustomInterface?: boolean;
  readonly CustomCAs?: boolean;
  /** The first clientInfo() type, e.g. "webhook-tunnel-test"; "ngrok-javascript" without one. */
  readonly ClientType?: string;
  readonly [key: string]: unknown;
}

export interface AuthResponse {
  readonly Version: string;
  readonly ClientId: string;
  readonly Extra: {
    readonly Version: string;
    readonly Region: string;
    readonly Cookie: string;
    readonly AccountName: string;
    readonly SessionDuration: number;
    readonly PlanName: string;
    readonly Banner: string;
  };
}

/** HTTP endpoint options as the SDK sends them: every key present, unset ones null. */
export interface HttpOpts {
  readonly Domain?: string | null;
  readonly Hostname?: string | null;
  readonly Subdomain?: string | null;
  readonly Auth?: string | null;
  readonly HostHeaderRewrite?: boolean | null;
  readonly LocalUrlScheme?: string | null;
  readonly ProxyProto?: number | null;
  readonly Compression?: unknown;
  readonly CircuitBreaker?: unknown;
  readonly IPRestriction?: unknown;
  readonly BasicAuth?: unknown;
  readonly OAuth?: unknown;
  readonly OIDC?: unknown;
  readonly WebhookVerification?: unknown;
  readonly MutualTLSCA?: unknown;
  readonly RequestHeaders?: unknown;
  readonly ResponseHeaders?: unknown;
  readonly WebsocketTCPConverter?: unknown;
  readonly UserAgentFilter?: unknown;
  /** The Traffic Policy document, verbatim, as a JSON string. */
  readonly TrafficPolicy?: string | null;
  readonly [key: string]: unknown;
}

/** Bind request (agent → edge). */
export interface BindRequest {
  /** "" on the first bind; the tunnel id on a rebind after a reconnect. */
  readonly Id: string;
  /** "https" (default for HTTP endpoints), "http", "tcp" or "tls". */
  readonly Proto: string;
  readonly ForwardsTo: string;
  readonly ForwardsProto: string;
  readonly Opts: HttpOpts;
  readonly Extra: BindExtra;
}

export interface BindExtra {
  readonly Token?: string;
  readonly IPPolicyRef?: string;
  /** The listener's metadata(). */
  readonly Metadata?: string;
  readonly Bindings?: readonly string[];
  readonly PoolingEnabled?: boolean;
  readonly [key: string]: unknown;
}

export interface BindResponse {
  readonly Id: string;
  readonly URL: string;
  readonly Proto: string;
  /** Echo of the request's Opts (the SDK requires it and resends it on rebind). */
  readonly Opts: HttpOpts;
  readonly Extra: { readonly Token: string };
}

/** Labeled listener (type 7). The local edge refuses it, but records it. */
export interface StartTunnelWithLabelRequest {
  readonly Labels: Readonly<Record<string, string>>;
  readonly ForwardsTo: string;
  readonly ForwardsProto: string;
  readonly Metadata: string;
}

export interface UnbindRequest {
  readonly Id: string;
}

export interface ProxyHeader {
  readonly Id: string;
  readonly ClientAddr: string;
  readonly Proto: string;
  /** "1" TCP, "2" TLS, "3" HTTPS; informational for plain endpoints. */
  readonly EdgeType: string;
  readonly PassthroughTLS: boolean;
}

export interface StopTunnelCommand {
  readonly Id: string;
  readonly Message: string;
  readonly ErrorCode: string;
}

export interface UpdateCommand {
  readonly Version: string;
  readonly PermitMajorVersion: boolean;
}

/** The agent's answer to Stop/Restart/Update: `{}` or `{"Error":"…"}`. */
export interface CommandResponse {
  readonly Error?: string | null;
}

/** The SDK reads a line starting with ERR_NGROK_ as the code and the other lines as the message. */
export function errorBody(code: string | undefined, message: string): { readonly Error: string } {
  return { Error: code ? `${message}\n\n${code}\n` : message };
}

// ---- light validation of what the agent sends ----

type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectString(object: JsonObject, key: string, what: string): void {
  if (typeof object[key] !== 'string') throw new Error(`${what}: ${key} is not a string`);
}

function expectObject(object: JsonObject, key: string, what: string): void {
  if (!isObject(object[key])) throw new Error(`${what}: ${key} is not an object`);
}

export function parseAuthRequest(value: unknown): AuthRequest {
  if (!isObject(value)) throw new Error('Auth: not a JSON object');
  if (!Array.isArray(value.Version) || !value.Version.every((v) => typeof v === 'string')) throw new Error('Auth: Version is not a list of strings');
  expectString(value, 'ClientId', 'Auth');
  expectObject(value, 'Extra', 'Auth');
  return value as unknown as AuthRequest;
}

export function parseBindRequest(value: unknown): BindRequest {
  if (!isObject(value)) throw new Error('Bind: not a JSON object');
  for (const key of ['Id', 'Proto', 'ForwardsTo', 'ForwardsProto']) expectString(value, key, 'Bind');
  expectObject(value, 'Opts', 'Bind');
  expectObject(value, 'Extra', 'Bind');
  return value as unknown as BindRequest;
}

export function parseLabelRequest(value: unknown): StartTunnelWithLabelRequest {
  if (!isObject(value)) throw new Error('StartTunnelWithLabel: not a JSON object');
  expectObject(value, 'Labels', 'StartTunnelWithLabel');
  return value as unknown as StartTunnelWithLabelRequest;
}

export function parseUnbindRequest(value: unknown): UnbindRequest {
  if (!isObject(value)) throw new Error('Unbind: not a JSON object');
  expectString(value, 'Id', 'Unbind');
  return value as unknown as UnbindRequest;
}

export function parseCommandResponse(value: unknown): CommandResponse {
  if (!isObject(value)) throw new Error('command response: not a JSON object');
  const error = value.Error;
  if (error !== undefined && error !== null && typeof error !== 'string') throw new Error('command response: Error is not a string');
  return value as CommandResponse;
}
