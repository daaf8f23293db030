import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import * as vscode from 'vscode';
import type { Exchange } from '../core/capture/exchange';
import type { LazyHistory } from '../core/history/lazyHistory';
import { buildReplayRequest, ReplayError } from '../core/replay/replayRequest';
import type { Resigner } from '../core/replay/replayRequest';
import { sendReplay } from '../core/replay/sendReplay';
import type { TunnelState } from '../core/tunnel/tunnelState';
import type { ReplayEdits, ReplayOptions, ReplayOutcome } from '../shared/protocol';
import { log } from '../log';
import { ExchangeDocuments } from '../views/exchangeDocuments';
import type { ExchangePanelHost } from './exchangePanel';
import { buildExchangeView, fallbackSignatureFacts } from './exchangeView';
import type { SignatureFacts } from './exchangeView';
import { coreEdits, headerStripper, signatureNote } from './replayEdits';

/** What the panel's host adapter uses; the signature hooks are optional until the signature layer is wired. */
export interface ExchangePanelHostDeps {
  readonly history: Pick<LazyHistory, 'readExchange' | 'get'>;
  readonly tunnel: { readonly state: TunnelState; readonly replayTarget: { readonly localUrl: string; readonly replayToken: string } | undefined };
  /** Verdict, detected sender and signed headers of an exchange. Default: names the sender from its headers, verifies nothing. */
  readonly signatureFacts?: (exchange: Exchange) => SignatureFacts | Promise<SignatureFacts>;
  /** Whether the secret for the exchange's sender is known (the value never leaves the extension). Default: no. */
  readonly secretKnown?: (exchange: Exchange) => Promise<boolean>;
  /** Signs or strips as the exchange's provider; undefined when the provider or its secret is unknown. */
  readonly resigner?: (exchange: Exchange) => Promise<Resigner | undefined>;
}

/** The local ngrok-compatible edge serves `*.localhost` names, which browsers resolve to loopback and Node's resolver may not. */
const localhostAware: LookupFunction = (hostname, options, callback) => dnsLookup(hostname.endsWith('.localhost') ? 'localhost' : hostname, options, callback);

/** The ExchangePanelHost over the history, the tunnel and the replay engine. */
export function createExchangePanelHost(deps: ExchangePanelHostDeps): ExchangePanelHost {
  const facts = async (exchange: Exchange): Promise<SignatureFacts> => (deps.signatureFacts ? deps.signatureFacts(exchange) : fallbackSignatureFacts(exchange));

  async function replay(id: string, edits: ReplayEdits, options: ReplayOptions): Promise<ReplayOutcome> {
    const exchange = await deps.history.readExchange(id);
    if (!exchange) return { ok: false, message: 'This call is no longer in the history.' };
    const proxy = deps.tunnel.replayTarget;
    if (!proxy) return { ok: false, message: 'Replays go through the capture proxy so that they are recorded: start the tunnel first.' };
    const state = deps.tunnel.state;
    const viaPublic = options.via === 'public';
    if (viaPublic && !(state.kind === 'on' && state.route.kind === 'ngrok')) {
      return { ok: false, message: 'There is no public URL right now: start the tunnel with a public URL, or send to the dev server.' };
    }
    const signed = await facts(exchange);
    const resigner = options.signature === 'keep' ? undefined : ((await deps.resigner?.(exchange)) ?? headerStripper(signed.signedHeaders ?? []));
    const started = Date.now();
    try {
      const request = buildReplayRequest(exchange, coreEdits(exchange, edits), { mode: options.signature, ...(resigner ? { resigner } : {}) });
      const baseUrl = viaPublic && state.kind === 'on' ? state.url : proxy.localUrl;
      const response = await sendReplay({ baseUrl, replayToken: proxy.replayToken, rewriteHost: viaPublic, lookup: localhostAware }, request, exchange.id);
      const note = signatureNote(options.signature, signed.verdict.providerName);
      const outcome = { ok: true as const, exchangeId: response.exchangeId, status: response.statusCode, statusMessage: response.statusMessage, durationMs: Date.now() - started };
      return note ? { ...outcome, note } : outcome;
    } catch (error) {
      // Refusals (ReplayError, a signing error) and network failures alike are the user's to read, not bugs.
      if (!(error instanceof Error)) throw error;
      if (!(error instanceof ReplayError)) log.warn(`Replay of ${id} failed:`, error);
      return { ok: false, message: error.message };
    }
  }

  return {
    loadExchange: async (id) => {
      const exchange = await deps.history.readExchange(id);
      return exchange && buildExchangeView(exchange, await facts(exchange));
    },
    replay,
    secretKnown: async (id) => {
      const exchange = deps.secretKnown && (await deps.history.readExchange(id));
      return exchange ? deps.secretKnown!(exchange) : false;
    },
    compareWithOriginal: async (replayId) => {
      const replayed = deps.history.get(replayId);
      const original = replayed?.replayOf === undefined ? undefined : deps.history.get(replayed.replayOf);
      if (!replayed || !original) throw new Error(replayed ? 'The original call is no longer in the history.' : 'The replay is no longer in the history.');
      const title = `${original.request.method} ${original.request.url.split('?', 1)[0]}: Original ↔ Replay`;
      await vscode.commands.executeCommand('vscode.diff', ExchangeDocuments.uriFor(original), ExchangeDocuments.uriFor(replayed), title, { preview: true });
    },
    openExchange: async (id) => {
      await vscode.commands.executeCommand('webhookTunnel.showExchange', id);
    },
  };
}
