// The edge's answers to the agent's RPCs (Auth, Bind, Unbind, labeled bind): refusals on demand,
// session ids and cookies that survive reconnects, tunnel binding, and a record of every request.
import { randomBytes } from 'node:crypto';
import type { AgentConnection } from './agentConnection';
import { refusalMessage } from './edgeRecords';
import type { AuthRecord, BindRecord, EdgeEventOf, EdgeEvents, EdgeRecords, LabelBindRecord, Refusal, RefusalApplied, UnbindRecord } from './edgeRecords';
import { errorBody, parseAuthRequest, parseBindRequest, parseLabelRequest, parseUnbindRequest } from './protocol';
import type { AuthResponse, BindResponse } from './protocol';
import { policyFromOpts } from './trafficPolicy';
import type { TunnelRegistry } from './tunnelRegistry';

export class AgentRpcAnswers {
  private readonly authRecords: AuthRecord[] = [];
  private readonly bindRecords: BindRecord[] = [];
  private readonly labelBindRecords: LabelBindRecord[] = [];
  private readonly unbindRecords: UnbindRecord[] = [];
  /** ClientId → cookie, so a reconnecting agent gets its cookie back. */
  private readonly cookies = new Map<string, string>();
  private authRefusal: Refusal | null = null;
  private bindRefusal: Refusal | null = null;

  constructor(
    private readonly registry: TunnelRegistry,
    private readonly events: EdgeEvents,
    private readonly log: (line: string) => void,
    private readonly publicUrl: (url: string) => string,
  ) {}

  get records(): EdgeRecords {
    return { auths: this.authRecords, binds: this.bindRecords, labelBinds: this.labelBindRecords, unbinds: this.unbindRecords };
  }

  clearRecords(): void {
    this.authRecords.length = 0;
    this.bindRecords.length = 0;
    this.labelBindRecords.length = 0;
    this.unbindRecords.length = 0;
  }

  refuseAuth(refusal: Refusal | null): void {
    this.authRefusal = refusal;
  }

  refuseBind(refusal: Refusal | null): void {
    this.bindRefusal = refusal;
  }

  auth(connection: AgentConnection, raw: unknown): object {
    const request = parseAuthRequest(raw);
    const base = { at: Date.now(), connectionId: connection.connectionId, request };
    const refused = this.takeRefusal('auth');
    if (refused) {
      this.record('auth', this.authRecords, { ...base, sessionId: null, refused });
      this.log(`${connection.connectionId} Auth refused with ${refused.code}`);
      return errorBody(refused.code, refused.message);
    }
    const sessionId = request.ClientId !== '' ? request.ClientId : `sess_${randomBytes(8).toString('hex')}`;
    const cookie = this.cookies.get(sessionId) ?? `cookie_${randomBytes(8).toString('hex')}`;
    this.cookies.set(sessionId, cookie);
    connection.authenticated(sessionId, request, cookie);
    this.record('auth', this.authRecords, { ...base, sessionId, refused: null });
    this.log(`${connection.connectionId} Auth ok as ${sessionId} (${request.Extra.UserAgent ?? '?'})`);
    const response: AuthResponse = {
      Version: '3',
      ClientId: sessionId,
      Extra: { Version: 'local-test-edge', Region: 'local', Cookie: cookie, AccountName: 'Local test edge (not ngrok)', SessionDuration: 0, PlanName: 'local', Banner: '' },
    };
    return response;
  }

  bind(connection: AgentConnection, raw: unknown): object {
    const request = parseBindRequest(raw);
    const base = { at: Date.now(), connectionId: connection.connectionId, sessionId: connection.sessionId, request, rebind: request.Id !== '' };
    const refuse = (refused: RefusalApplied): object => {
      this.record('bind', this.bindRecords, { ...base, refused, tunnelId: null, url: null });
      this.log(`${connection.connectionId} Bind refused with ${refused.code || refused.message}`);
      return errorBody(refused.code || undefined, refused.message);
    };
    if (!connection.sessionId) return refuse({ code: '', message: 'Bind before a successful Auth on this connection.' });
    const refusal = this.takeRefusal('bind');
    if (refusal) return refuse(refusal);
    if (request.Proto !== 'https' && request.Proto !== 'http') return refuse({ code: '', message: `The local test edge serves HTTP endpoints only (this Bind asks for "${request.Proto}").` });
    const parsed = policyFromOpts(request.Opts);
    if (!parsed.ok) return refuse({ code: parsed.code, message: parsed.message });
    const outcome = this.registry.bind(request, connection.connectionId, connection.sessionId, parsed.policy);
    if (!outcome.ok) return refuse({ code: outcome.code, message: outcome.message });
    const { tunnel } = outcome;
    connection.tunnelIds.add(tunnel.id);
    this.record('bind', this.bindRecords, { ...base, refused: null, tunnelId: tunnel.id, url: tunnel.url });
    this.log(`${connection.connectionId} ${outcome.rebind ? 'rebind' : 'Bind'} ${tunnel.id} → ${tunnel.url} (public ${this.publicUrl(tunnel.url)})`);
    if (tunnel.policy) {
      const enforced = tunnel.policy.rules.flatMap((rule) => (rule.phase === 'on_http_request' ? rule.actions : [])).filter((a) => a.kind === 'basic-auth' || a.kind === 'restrict-ips');
      this.log(`${connection.connectionId} ${tunnel.id} policy: ${tunnel.policy.rules.length} rule(s); enforcing ${enforced.length > 0 ? enforced.map((a) => a.kind).join(', ') : 'nothing'}`);
      for (const warning of tunnel.policy.warnings) this.log(`${connection.connectionId} ${tunnel.id} policy warning: ${warning}`);
    }
    const response: BindResponse = { Id: tunnel.id, URL: tunnel.url, Proto: request.Proto, Opts: request.Opts, Extra: { Token: tunnel.token } };
    return response;
  }

  unbind(connection: AgentConnection, raw: unknown): object {
    const request = parseUnbindRequest(raw);
    const closed = this.registry.unbind(request.Id);
    connection.tunnelIds.delete(request.Id);
    this.record('unbind', this.unbindRecords, { at: Date.now(), connectionId: connection.connectionId, sessionId: connection.sessionId, request, duplicate: !closed });
    this.log(`${connection.connectionId} Unbind ${request.Id}${closed ? '' : ' (again)'}`);
    return {};
  }

  bindLabel(connection: AgentConnection, raw: unknown): object {
    const request = parseLabelRequest(raw);
    this.record('label-bind', this.labelBindRecords, { at: Date.now(), connectionId: connection.connectionId, sessionId: connection.sessionId, request });
    return errorBody(undefined, 'The local test edge does not serve labeled (edge) listeners.');
  }

  private record<K extends 'auth' | 'bind' | 'unbind' | 'label-bind'>(kind: K, list: Array<EdgeEventOf<K>['record']>, record: EdgeEventOf<K>['record']): void {
    list.push(record);
    this.events.emit({ kind, record } as EdgeEventOf<K>);
  }

  private takeRefusal(which: 'auth' | 'bind'): RefusalApplied | null {
    const refusal = which === 'auth' ? this.authRefusal : this.bindRefusal;
    if (!refusal) return null;
    if (refusal.times !== undefined) {
      const left: Refusal | null = refusal.times > 1 ? { ...refusal, times: refusal.times - 1 } : null;
      if (which === 'auth') this.authRefusal = left;
      else this.bindRefusal = left;
    }
    return refusalMessage(refusal);
  }
}
