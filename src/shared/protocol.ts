/*
 * The messages between the extension and the exchange detail/replay webview, shared by both sides: no `vscode`,
 * no DOM and no Node types, only JSON shapes and their validators. Each side treats what the other posts as
 * untrusted input (a webview is a web page), so every message is checked here before a handler sees it.
 */
import { array, boolean, finite, literal, nonNegative, object, oneOf, optional, string, ProtocolError, union } from './validate';
import type { Validator } from './validate';

export { ProtocolError } from './validate';

/** A header as received: name case and order kept, duplicates as separate pairs. */
export type HeaderPair = [name: string, value: string];

export type PanelMode = 'inspect' | 'replay';
export const panelModes = ['inspect', 'replay'] as const satisfies readonly PanelMode[];

/** How a body is shown first; the user can switch between the views that apply. */
export type BodyKind = 'empty' | 'json' | 'form' | 'text' | 'binary';

export interface BodyView {
  /** The recorded bytes, base64: all of them, or the first part when `truncated`. */
  readonly base64: string;
  /** Bytes that really passed, more than the recorded ones when truncated. */
  readonly size: number;
  readonly truncated: boolean;
  readonly kind: BodyKind;
  /** Text decoding hint from the Content-Type (`utf-8` when it names none). */
  readonly charset: string;
  readonly contentType?: string;
  /** A Content-Encoding other than identity: the bytes are compressed, so only hex applies. */
  readonly contentEncoding?: string;
}

export interface RequestView {
  readonly method: string;
  /** Path and query exactly as sent. */
  readonly url: string;
  readonly httpVersion: string;
  readonly headers: readonly HeaderPair[];
  readonly body: BodyView;
}

export interface ResponseView {
  readonly status: number;
  readonly statusMessage: string;
  readonly headers: readonly HeaderPair[];
  readonly body: BodyView;
  /** Answered by the capture proxy (502/504), not by the dev server. */
  readonly synthetic: boolean;
}

export type VerdictStatus = 'valid' | 'invalid' | 'unsigned' | 'noSecret';

/** The signature check of one exchange, with the reason in words. */
export interface SignatureVerdict {
  readonly status: VerdictStatus;
  /** ngrok-style provider id, e.g. `github`. */
  readonly provider?: string;
  /** For people, e.g. `GitHub`. */
  readonly providerName?: string;
  readonly message?: string;
}

/** Who sent the call and which event it is, as far as the headers (or body) tell. */
export interface DetectedSource {
  readonly provider: string;
  readonly providerName: string;
  readonly event?: string;
}

export interface ExchangeErrorView {
  readonly kind: string;
  readonly message: string;
  readonly code?: string;
}

/** Everything the webview shows of one exchange. JSON-safe; it never holds a secret (exchanges have none). */
export interface ExchangeView {
  readonly id: string;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly totalMs: number;
  readonly upstreamHeadersMs?: number;
  readonly clientAddress: string;
  readonly upstream: string;
  readonly request: RequestView;
  readonly response?: ResponseView;
  readonly error?: ExchangeErrorView;
  readonly upgrade: boolean;
  /** Id of the exchange this one replays. */
  readonly replayOf?: string;
  readonly verdict: SignatureVerdict;
  readonly detected?: DetectedSource;
  /** Lower-case names of the headers a signature covers or carries: changing one calls for re-signing. */
  readonly signedHeaders: readonly string[];
}

export type SignatureOption = 'resign' | 'keep' | 'strip';
/** `upstream`: straight to the dev server through the capture proxy; `public`: through the tunnel, so edge policies apply. */
export type ReplayVia = 'upstream' | 'public';

export interface ReplayEdits {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: readonly HeaderPair[];
  /** The whole body, base64. */
  readonly body: string;
}

export interface ReplayOptions {
  readonly signature: SignatureOption;
  readonly via: ReplayVia;
}

export type ReplayOutcome =
  | {
      readonly ok: true;
      /** The replay's own exchange in the history. */
      readonly exchangeId: string;
      readonly status: number;
      readonly statusMessage?: string;
      readonly durationMs?: number;
      /** What happened to the signature, e.g. "Re-signed X-Hub-Signature-256 for GitHub". */
      readonly note?: string;
    }
  | { readonly ok: false; readonly message: string };

/** The replay form as the user left it; kept with `setState` so a reload loses nothing. */
export interface ReplayDraft {
  readonly method: string;
  readonly url: string;
  readonly headers: readonly HeaderPair[];
  /** The text in the body box. */
  readonly body: string;
  /** False while the box still holds the recorded body: then the recorded bytes are sent, byte for byte. */
  readonly bodyEdited: boolean;
  /** Unset while the default (from the edits and the known secret) applies. */
  readonly signature?: SignatureOption;
  readonly via: ReplayVia;
}

/** What the webview persists with `vscodeApi.setState()`, and the panel serializer gets back after a reload. */
export interface WebviewState {
  readonly exchangeId: string;
  readonly mode: PanelMode;
  readonly draft?: ReplayDraft;
}

/** Extension → webview. */
export type ToWebview =
  /** Show this exchange (the answer to `ready`, and every retarget). */
  | { readonly type: 'exchange/show'; readonly mode: PanelMode; readonly exchange: ExchangeView; readonly secretKnown: boolean }
  /** The exchange is gone from the history (cleared or evicted), or the panel has none. */
  | { readonly type: 'exchange/missing'; readonly exchangeId?: string; readonly message: string }
  /** How a `replay/send` went; `exchange` is the replay as recorded, when it could be read back. */
  | { readonly type: 'replay/result'; readonly requestId: string; readonly outcome: ReplayOutcome; readonly exchange?: ExchangeView };

/** Webview → extension. */
export type FromWebview =
  /** The page is loaded and listening: send the exchange. */
  | { readonly type: 'ready' }
  /** The user switched tabs; the extension remembers it for the next load. */
  | { readonly type: 'mode/set'; readonly mode: PanelMode }
  | { readonly type: 'replay/send'; readonly requestId: string; readonly exchangeId: string; readonly edits: ReplayEdits; readonly options: ReplayOptions }
  | { readonly type: 'replay/compare'; readonly replayId: string }
  | { readonly type: 'exchange/open'; readonly exchangeId: string };

// ---------------------------------------------------------------------------------------------------------------
// Limits. Generous for real webhooks, small enough that a runaway page cannot make the extension host chew on it.

/** Largest body a replay may carry (64 MiB), as base64 characters. */
export const maxBodyBase64Length = Math.ceil((64 * 1024 * 1024) / 3) * 4;
export const maxHeaderCount = 500;
export const maxHeaderValueLength = 16 * 1024;
export const maxUrlLength = 16 * 1024;
/** Draft body text kept in the webview state. */
export const maxDraftBodyLength = 96 * 1024 * 1024;

const id = string({ min: 1, max: 200, pattern: /^[\x21-\x7e]+$/, describe: 'an id' });
const base64 = string({ max: maxBodyBase64Length, pattern: /^[A-Za-z0-9+/]*={0,2}$/, describe: 'base64' });
/** RFC 9110 token: what Node's HTTP client accepts as a method or header name. */
const token = (max: number, describe: string): Validator<string> => string({ min: 1, max, pattern: /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, describe });
/** No CR, LF or NUL: a value must not split into a second header. */
const editableHeader: Validator<HeaderPair> = (value, at) => {
  if (!Array.isArray(value) || value.length !== 2) throw new ProtocolError(at, 'a [name, value] pair');
  return [token(256, 'a header name')(value[0], `${at}[0]`), string({ max: maxHeaderValueLength, pattern: /^[^\r\n\0]*$/, describe: 'a header value without line breaks' })(value[1], `${at}[1]`)];
};
/** Recorded headers are shown, never sent from here, so only their shape matters. */
const shownHeader: Validator<HeaderPair> = (value, at) => {
  if (!Array.isArray(value) || value.length !== 2) throw new ProtocolError(at, 'a [name, value] pair');
  return [string({ max: 64 * 1024 })(value[0], `${at}[0]`), string({ max: 1024 * 1024 })(value[1], `${at}[1]`)];
};
const mode = oneOf(...panelModes);
const signatureOption = oneOf('resign', 'keep', 'strip');
const via = oneOf('upstream', 'public');
const count = nonNegative({ integer: true });

const bodyView: Validator<BodyView> = object({
  base64: string({ max: 2 * maxBodyBase64Length, pattern: /^[A-Za-z0-9+/]*={0,2}$/, describe: 'base64' }),
  size: count,
  truncated: boolean,
  kind: oneOf('empty', 'json', 'form', 'text', 'binary'),
  charset: string({ min: 1, max: 64 }),
  contentType: optional(string({ max: 1024 })),
  contentEncoding: optional(string({ max: 256 })),
});

const verdict: Validator<SignatureVerdict> = object({
  status: oneOf('valid', 'invalid', 'unsigned', 'noSecret'),
  provider: optional(string({ max: 64 })),
  providerName: optional(string({ max: 128 })),
  message: optional(string({ max: 4096 })),
});

export const exchangeViewValidator: Validator<ExchangeView> = object({
  id,
  startedAt: finite,
  totalMs: nonNegative({}),
  upstreamHeadersMs: optional(nonNegative({})),
  clientAddress: string({ max: 256 }),
  upstream: string({ max: 2048 }),
  request: object({
    method: string({ min: 1, max: 64 }),
    url: string({ max: 1024 * 1024 }),
    httpVersion: string({ max: 16 }),
    headers: array(shownHeader, { max: 20_000 }),
    body: bodyView,
  }),
  response: optional(
    object({
      status: count,
      statusMessage: string({ max: 1024 }),
      headers: array(shownHeader, { max: 20_000 }),
      body: bodyView,
      synthetic: boolean,
    }),
  ),
  error: optional(object({ kind: string({ max: 64 }), message: string({ max: 8192 }), code: optional(string({ max: 64 })) })),
  upgrade: boolean,
  replayOf: optional(id),
  verdict,
  detected: optional(object({ provider: string({ max: 64 }), providerName: string({ max: 128 }), event: optional(string({ max: 256 })) })),
  signedHeaders: array(string({ max: 256 }), { max: 64 }),
});

const replayOutcome: Validator<ReplayOutcome> = union<ReplayOutcome>('ok', {
  true: object({
    ok: literal(true),
    exchangeId: id,
    status: count,
    statusMessage: optional(string({ max: 1024 })),
    durationMs: optional(nonNegative({})),
    note: optional(string({ max: 4096 })),
  }),
  false: object({ ok: literal(false), message: string({ max: 8192 }) }),
});

const editsValidator: Validator<ReplayEdits> = object({
  method: token(32, 'an HTTP method'),
  // Path and query only: it goes on the request line, so no spaces or control characters.
  url: string({ min: 1, max: maxUrlLength, pattern: /^\/[^\s\x00-\x1f\x7f]*$/, describe: 'a path starting with / (no spaces)' }),
  headers: array(editableHeader, { max: maxHeaderCount }),
  body: base64,
});

/** One validator per message type: a type added to a union without one fails to compile here. */
const fromWebviewValidators: { readonly [K in FromWebview['type']]: Validator<Extract<FromWebview, { type: K }>> } = {
  ready: object({ type: literal('ready') }),
  'mode/set': object({ type: literal('mode/set'), mode }),
  'replay/send': object({
    type: literal('replay/send'),
    requestId: id,
    exchangeId: id,
    edits: editsValidator,
    options: object({ signature: signatureOption, via }),
  }),
  'replay/compare': object({ type: literal('replay/compare'), replayId: id }),
  'exchange/open': object({ type: literal('exchange/open'), exchangeId: id }),
};

const toWebviewValidators: { readonly [K in ToWebview['type']]: Validator<Extract<ToWebview, { type: K }>> } = {
  'exchange/show': object({ type: literal('exchange/show'), mode, exchange: exchangeViewValidator, secretKnown: boolean }),
  'exchange/missing': object({ type: literal('exchange/missing'), exchangeId: optional(id), message: string({ max: 4096 }) }),
  'replay/result': object({ type: literal('replay/result'), requestId: id, outcome: replayOutcome, exchange: optional(exchangeViewValidator) }),
};

const draftValidator: Validator<ReplayDraft> = object({
  method: string({ max: 64 }),
  url: string({ max: maxUrlLength }),
  headers: array(shownHeader, { max: maxHeaderCount }),
  body: string({ max: maxDraftBodyLength }),
  bodyEdited: boolean,
  signature: optional(signatureOption),
  via,
});

const stateValidator: Validator<WebviewState> = object({ exchangeId: id, mode, draft: optional(draftValidator) });

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

function parse<T>(validator: Validator<T>, value: unknown): Parsed<T> {
  try {
    return { ok: true, value: validator(value, '') };
  } catch (error) {
    if (error instanceof ProtocolError) return { ok: false, reason: error.message };
    throw error;
  }
}

function byType<M extends { readonly type: string }>(validators: { readonly [K in M['type']]: Validator<Extract<M, { type: K }>> }): Validator<M> {
  return (value, at) => {
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(validators, type)) {
      throw new ProtocolError(`${at}.type`, `one of ${Object.keys(validators).join(', ')}`, type);
    }
    return (validators as Record<string, Validator<M>>)[type]!(value, at);
  };
}

/** Checks a message the extension received from the webview. */
export function parseFromWebview(value: unknown): Parsed<FromWebview> {
  return parse(byType<FromWebview>(fromWebviewValidators), value);
}

/** Checks a message the webview received from the extension. */
export function parseToWebview(value: unknown): Parsed<ToWebview> {
  return parse(byType<ToWebview>(toWebviewValidators), value);
}

/** Checks persisted webview state (it comes back from disk after a reload, and from the page). */
export function parseWebviewState(value: unknown): Parsed<WebviewState> {
  return parse(stateValidator, value);
}

/** For exhaustive switches over message types. */
export function assertNever(value: never, what = 'message'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
