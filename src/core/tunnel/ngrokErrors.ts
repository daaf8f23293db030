/** What the user can do about a tunnel failure; the VS Code layer turns each into a button. */
export type TunnelFix =
  | 'setAuthtoken'
  | 'retry'
  | 'enablePooling'
  | 'updateExtension'
  | 'openServerSettings'
  | 'openCaSetting'
  | 'openUpstreamSetting'
  | 'openCaptureSettings'
  | 'openDashboard';

export interface TunnelProblem {
  /** `ERR_NGROK_105`, or undefined for transport failures. */
  readonly code?: string;
  /** One or two short sentences: what happened and what to do. */
  readonly message: string;
  readonly fix?: TunnelFix;
  /** Whether trying again on our own could help; false for refusals that need the user (bad token, limits). */
  readonly retryable: boolean;
  /** The SDK's own words, for the log. */
  readonly detail: string;
}

export interface ErrorContext {
  readonly serverAddr: string;
  readonly domain?: string;
  readonly caCertificate?: string;
}

/** The SDK rejects with plain Errors whose `errorCode` (or message tail) carries ngrok's code. */
function errorCodeOf(error: unknown, text: string): string | undefined {
  const own = typeof error === 'object' && error !== null ? (error as { errorCode?: unknown }).errorCode : undefined;
  if (typeof own === 'string' && own.startsWith('ERR_NGROK_')) return own;
  return /ERR_NGROK_\d+/.exec(text)?.[0];
}

export function describeNgrokError(error: unknown, context: ErrorContext): TunnelProblem {
  const detail = error instanceof Error ? error.message : String(error);
  const code = errorCodeOf(error, detail);
  const withCode = (message: string): string => (code ? `${message} (${code})` : message);
  switch (code) {
    case 'ERR_NGROK_105':
    case 'ERR_NGROK_107':
      return { code, detail, retryable: false, fix: 'setAuthtoken', message: withCode('ngrok rejected the authtoken. Set a valid one from your ngrok dashboard') };
    case 'ERR_NGROK_4018':
      return { code, detail, retryable: false, fix: 'setAuthtoken', message: withCode('ngrok needs a verified account and its authtoken. Sign up, then set the authtoken') };
    case 'ERR_NGROK_108':
      return {
        code,
        detail,
        retryable: false,
        fix: 'retry',
        message: withCode('Your ngrok account already has its maximum of agent sessions online (the free plan allows 3 at once). Stop ngrok in other windows or terminals, then retry'),
      };
    case 'ERR_NGROK_120':
    case 'ERR_NGROK_121':
      return { code, detail, retryable: false, fix: 'updateExtension', message: withCode('ngrok no longer accepts this version of its SDK. Update the Webhook Tunnel extension') };
    case 'ERR_NGROK_324':
      return { code, detail, retryable: false, fix: 'openDashboard', message: withCode('Your ngrok plan has no room for another online endpoint. Stop one in the ngrok dashboard, then retry') };
    case 'ERR_NGROK_334':
      return {
        code,
        detail,
        retryable: false,
        fix: 'enablePooling',
        message: withCode(`${context.domain ?? 'This URL'} is already online in another agent. Stop it there, or enable pooling to share it`),
      };
    case 'ERR_NGROK_8012':
      return { code, detail, retryable: true, fix: 'openUpstreamSetting', message: withCode('ngrok could not reach your dev server through the tunnel. Check that it runs and the upstream setting') };
    case undefined:
      break;
    default:
      return { code, detail, retryable: false, message: withCode(`ngrok refused the tunnel: ${firstLine(detail)}`) };
  }
  if (/tls handshake|certificate|UnknownIssuer|invalid peer certificate/i.test(detail)) {
    return {
      detail,
      retryable: false,
      fix: 'openCaSetting',
      message: context.caCertificate
        ? `The TLS handshake with ${context.serverAddr} failed: its certificate is not signed by the CA in ${context.caCertificate}`
        : `The TLS handshake with ${context.serverAddr} failed: its certificate is not trusted. Behind a TLS-inspecting proxy, set webhookTunnel.ngrok.caCertificate to its CA (PEM)`,
    };
  }
  if (/failed to establish tcp connection|failed to connect|transport error|connection refused|dns/i.test(detail)) {
    return { detail, retryable: true, fix: 'openServerSettings', message: `Could not reach ngrok at ${context.serverAddr}. Check your network, or the webhookTunnel.ngrok.serverAddr setting` };
  }
  return { detail, retryable: true, message: `The tunnel failed: ${firstLine(detail)}` };
}

function firstLine(text: string): string {
  const cleaned = text.replace(/^failed to (connect session|start listener): /, '').replace(/ error_code: ERR_NGROK_\d+$/, '');
  return cleaned.split('\n')[0]!.trim();
}
