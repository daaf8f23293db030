import type { Exchange } from '../capture/exchange';

/** What a replay sends: a whole request, raw headers in order, body bytes exact. */
export interface ReplayRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** Changes from the form; anything left out is replayed as captured. */
export interface ReplayEdits {
  readonly method?: string;
  readonly url?: string;
  readonly rawHeaders?: readonly string[];
  readonly body?: Buffer;
}

export type SignatureMode = 'resign' | 'keep' | 'strip';

/** Signs or strips for one provider; the replay knows nothing of schemes. */
export interface Resigner {
  sign(request: ReplayRequest): readonly string[];
  strip(rawHeaders: readonly string[]): readonly string[];
}

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

function withoutHeaders(rawHeaders: readonly string[], names: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (!names.has(rawHeaders[i]!.toLowerCase())) kept.push(rawHeaders[i]!, rawHeaders[i + 1]!);
  return kept;
}

/**
 * The request to send again. A captured body is framed afresh with a Content-Length (its original chunking is
 * gone once recorded), kept in the header's original position when there was one.
 */
export function buildReplayRequest(original: Exchange, edits: ReplayEdits, signature: { mode: SignatureMode; resigner?: Resigner }): ReplayRequest {
  if (original.request.body.truncated && edits.body === undefined) {
    throw new ReplayError(
      `The captured body was truncated (${original.request.body.bytes.length} of ${original.request.body.size} bytes recorded), so it cannot be replayed as-is. Raise webhookTunnel.history.maxBodyBytes, or replay with a modified body.`,
    );
  }
  if (original.upgrade) throw new ReplayError('A WebSocket upgrade cannot be replayed.');
  const body = edits.body ?? original.request.body.bytes;
  let rawHeaders = withoutHeaders(edits.rawHeaders ?? original.request.rawHeaders, new Set(['transfer-encoding', 'connection', 'keep-alive']));
  const lengthAt = rawHeaders.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'content-length');
  if (lengthAt >= 0) rawHeaders[lengthAt + 1] = String(body.length);
  else if (body.length > 0) rawHeaders.push('Content-Length', String(body.length));
  const request: ReplayRequest = { method: edits.method ?? original.request.method, url: edits.url ?? original.request.url, rawHeaders, body };
  switch (signature.mode) {
    case 'keep':
      return request;
    case 'strip':
      rawHeaders = signature.resigner ? [...signature.resigner.strip(rawHeaders)] : rawHeaders;
      return { ...request, rawHeaders };
    case 'resign':
      if (!signature.resigner) throw new ReplayError('Re-signing needs the provider and its secret: set them with "Verify Webhooks From…".');
      return { ...request, rawHeaders: signature.resigner.sign(request) };
  }
}

/** Re-signing is the right default when the edit would break the captured signature and we can make a new one. */
export function defaultSignatureMode(original: Exchange, edits: ReplayEdits, secretKnown: boolean, signedHeaderNames: readonly string[] = []): SignatureMode {
  if (!secretKnown) return 'keep';
  const bodyChanged = edits.body !== undefined && !edits.body.equals(original.request.body.bytes);
  const signed = new Set(signedHeaderNames.map((name) => name.toLowerCase()));
  const headerValue = (headers: readonly string[], name: string): string | undefined => {
    for (let i = 0; i + 1 < headers.length; i += 2) if (headers[i]!.toLowerCase() === name) return headers[i + 1];
    return undefined;
  };
  const signedHeaderChanged = edits.rawHeaders !== undefined && [...signed].some((name) => headerValue(edits.rawHeaders!, name) !== headerValue(original.request.rawHeaders, name));
  return bodyChanged || signedHeaderChanged || edits.url !== undefined ? 'resign' : 'keep';
}
