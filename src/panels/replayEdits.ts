/*
 * From the replay form's edit to the replay engine's: no `vscode` here, so it is unit-tested in plain Node.
 */
import type { Exchange } from '../core/capture/exchange';
import { ReplayError } from '../core/replay/replayRequest';
import type { ReplayEdits as CoreReplayEdits, Resigner } from '../core/replay/replayRequest';
import type { ReplayEdits, SignatureOption } from '../shared/protocol';

/** Only what the user changed becomes an edit; the rest replays as captured, so the engine's rules for it apply. */
export function coreEdits(exchange: Exchange, edits: ReplayEdits): CoreReplayEdits {
  const body = Buffer.from(edits.body, 'base64');
  const rawHeaders = edits.headers.flat();
  const { request } = exchange;
  const sameHeaders = rawHeaders.length === request.rawHeaders.length && rawHeaders.every((value, i) => value === request.rawHeaders[i]);
  return {
    ...(edits.method === request.method ? {} : { method: edits.method }),
    ...(edits.url === request.url ? {} : { url: edits.url }),
    ...(sameHeaders ? {} : { rawHeaders }),
    ...(body.equals(request.body.bytes) ? {} : { body }),
  };
}

/** Strips the named headers (any case, order of the rest kept); cannot sign. Stands in until a provider's resigner is wired. */
export function headerStripper(names: readonly string[]): Resigner {
  const drop = new Set(names.map((name) => name.toLowerCase()));
  return {
    sign: () => {
      throw new ReplayError('Re-signing needs the provider and its secret: set them with "Verify Webhooks From…".');
    },
    strip: (rawHeaders) => {
      const kept: string[] = [];
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (!drop.has(rawHeaders[i]!.toLowerCase())) kept.push(rawHeaders[i]!, rawHeaders[i + 1]!);
      return kept;
    },
  };
}

/** One line for the result about what happened to the signature. */
export function signatureNote(option: SignatureOption, providerName: string | undefined): string | undefined {
  switch (option) {
    case 'resign':
      return `Re-signed for ${providerName ?? 'the sender'} with a fresh signature.`;
    case 'strip':
      return 'Sent without signature headers.';
    case 'keep':
      return undefined;
  }
}
