import type { LazyHistory } from '../core/history/lazyHistory';
import { providerInfo } from '../core/signatures/catalogue';
import { exchangeVerdict, isLocallyVerifiable, publicOrigin } from '../core/signatures/exchangeVerdict';
import { sign, stripSignatures } from '../core/signatures/signatures';
import type { TunnelController } from '../core/tunnel/tunnelController';
import type { VerificationState } from '../verification';
import type { ExchangePanelHost } from './exchangePanel';
import { createExchangePanelHost } from './exchangePanelHost';

/** The panel's host with signatures plugged in: verdicts, whether re-signing is possible, and the re-signer. */
export function createSignatureAwarePanelHost(history: LazyHistory, tunnel: TunnelController, verification: VerificationState): ExchangePanelHost {
  return createExchangePanelHost({
    history,
    tunnel,
    signatureFacts: async (exchange) => {
      const verdict = exchangeVerdict(exchange, await verification.settings());
      const info = verdict.provider && providerInfo(verdict.provider);
      const message = verdict.status === 'invalid' ? verdict.message : verdict.status === 'valid' ? verdict.detail : undefined;
      return {
        verdict: { status: verdict.status, provider: verdict.provider, providerName: info ? info.name : undefined, message },
        detected: info ? { provider: info.id, providerName: info.name, event: verdict.eventType } : undefined,
        signedHeaders: info ? info.headers : [],
      };
    },
    secretKnown: async () => {
      const { provider, secret } = await verification.settings();
      return isLocallyVerifiable(provider) && !!secret && providerInfo(provider).canSign;
    },
    resigner: async (exchange) => {
      const { provider, secret } = await verification.settings();
      if (!isLocallyVerifiable(provider)) return undefined;
      return {
        sign: (request) => sign(provider, { ...request, publicUrl: publicOrigin(exchange) }, secret ?? '').rawHeaders,
        strip: (rawHeaders) => stripSignatures(provider, rawHeaders),
      };
    },
  });
}
