// Per-tunnel access rules, as ngrok's edge applies them before a request reaches the agent: the
// Traffic Policy document the agent sends in Bind (`Opts.TrafficPolicy`, a JSON string) and the
// legacy per-option forms (`Opts.BasicAuth`, `Opts.IPRestriction`, `Opts.WebhookVerification`).
//
// Enforced here: `basic-auth` (401) and `restrict-ips` (403), in the `on_http_request` phase.
// Recorded only: `verify-webhook` (verification stays ngrok's job), other phases, unknown actions.
// CEL expressions are not evaluated: a rule with expressions always matches (and says so in `warnings`).
import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIP, isIPv4 } from 'node:net';
import type { EdgeErrorPage } from './errorPages';
import { isObject } from './protocol';
import type { HttpOpts } from './protocol';
import { clientIp } from './proxyStream';

export type PolicyPhase = 'on_http_request' | 'on_http_response' | 'on_tcp_connect';

export interface BasicAuthCredential {
  readonly username: string;
  readonly password: string;
}

export interface BasicAuthAction {
  readonly kind: 'basic-auth';
  readonly type: string;
  readonly credentials: readonly BasicAuthCredential[];
  /** Default "ngrok". */
  readonly realm: string;
  /** Default true; false lets failed requests continue. */
  readonly enforce: boolean;
}

export interface RestrictIpsAction {
  readonly kind: 'restrict-ips';
  readonly type: string;
  /** CIDRs as written (a bare address counts as one host). */
  readonly allow: readonly string[];
  readonly deny: readonly string[];
  /** ngrok IP Policy ids: the local edge cannot resolve them, so they are not evaluated. */
  readonly ipPolicies: readonly string[];
  readonly enforce: boolean;
}

/** Recorded, never enforced: the request passes. */
export interface VerifyWebhookAction {
  readonly kind: 'verify-webhook';
  readonly type: string;
  readonly provider: string;
  readonly secretGiven: boolean;
  readonly enforce: boolean;
}

/** An action type the local edge does not implement: kept as sent, and skipped. */
export interface IgnoredAction {
  readonly kind: 'ignored';
  readonly type: string;
  readonly config: unknown;
}

export type PolicyAction = BasicAuthAction | RestrictIpsAction | VerifyWebhookAction | IgnoredAction;

export type PolicySource = 'TrafficPolicy' | 'BasicAuth' | 'IPRestriction' | 'WebhookVerification';

export interface PolicyRule {
  /** The Opts field the rule came from; the legacy fields become one rule each, ahead of the document's rules. */
  readonly source: PolicySource;
  readonly phase: PolicyPhase;
  readonly name: string | null;
  /** CEL, NOT evaluated by the local edge: a rule with expressions is treated as always matching. */
  readonly expressions: readonly string[];
  readonly actions: readonly PolicyAction[];
}

/** What the edge understood of a tunnel's policy; JSON-serializable (GET /tunnels shows it). */
export interface TunnelPolicy {
  /** Every phase, in evaluation order. Only on_http_request rules are evaluated. */
  readonly rules: readonly PolicyRule[];
  /** What the local edge accepted but does not do (expressions, unknown actions, other phases, …). */
  readonly warnings: readonly string[];
}

export type PolicyParseResult = { readonly ok: true; readonly policy: TunnelPolicy | null } | { readonly ok: false; readonly code: string; readonly message: string };

/** Refusal codes (the SDK exposes them as `err.errorCode` on listen()). */
export const POLICY_ERRORS = {
  /** The document is not JSON, not an object, or not shaped like a Traffic Policy. */
  invalidPolicy: 'ERR_NGROK_2201',
  /** An action is in a phase that does not support it (ngrok's 2202). */
  actionPhase: 'ERR_NGROK_2202',
  /** An action's config has an invalid value (ngrok's 2204). */
  invalidConfig: 'ERR_NGROK_2204',
  /** Deny CIDRs without any allow CIDR (ngrok's 393: everything would be denied). */
  denyWithoutAllow: 'ERR_NGROK_393',
} as const;

class PolicyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const PHASES: ReadonlyArray<readonly [string, PolicyPhase]> = [
  ['on_http_request', 'on_http_request'],
  ['on_http_response', 'on_http_response'],
  ['on_tcp_connect', 'on_tcp_connect'],
  // the older names (`policy()` era documents)
  ['inbound', 'on_http_request'],
  ['outbound', 'on_http_response'],
];

const ACTION_PHASES: Readonly<Record<string, readonly PolicyPhase[]>> = {
  'basic-auth': ['on_http_request'],
  'verify-webhook': ['on_http_request'],
  'restrict-ips': ['on_http_request', 'on_http_response', 'on_tcp_connect'],
};

const MAX_CREDENTIALS = 10;

/** Parses and validates what a Bind asks for. `{ ok: true, policy: null }` when it asks for nothing. */
export function policyFromOpts(opts: HttpOpts): PolicyParseResult {
  try {
    const rules: PolicyRule[] = [];
    const warnings: string[] = [];
    rules.push(...legacyRules(opts, warnings));
    const document = typeof opts.TrafficPolicy === 'string' ? opts.TrafficPolicy.trim() : '';
    if (document !== '') rules.push(...documentRules(document, warnings));
    for (const rule of rules) {
      const where = ruleLabel(rule);
      if (rule.expressions.length > 0) warnings.push(`${where}: expressions are not evaluated by the local edge; the rule is treated as always matching (${rule.expressions.map((e) => JSON.stringify(e)).join(', ')})`);
      if (rule.phase !== 'on_http_request' && rule.actions.length > 0) warnings.push(`${where}: the ${rule.phase} phase is recorded but not evaluated by the local edge`);
      for (const action of rule.actions) {
        if (action.kind === 'ignored') warnings.push(`${where}: action type "${action.type}" is not implemented by the local edge; ignored`);
        if (action.kind === 'verify-webhook') warnings.push(`${where}: verify-webhook (${action.provider}) is recorded but not enforced by the local edge; requests pass unverified`);
        if (action.kind === 'restrict-ips' && action.ipPolicies.length > 0) warnings.push(`${where}: restrict-ips ip_policies (${action.ipPolicies.join(', ')}) cannot be resolved by the local edge; only allow/deny CIDRs are evaluated${action.allow.length === 0 ? ' (with no allow CIDRs, every address not denied passes)' : ''}`);
        if (action.kind === 'basic-auth' && action.credentials.some((c) => `${c.username}:${c.password}`.includes('${'))) warnings.push(`${where}: basic-auth credentials with CEL interpolation (\${…}) are compared literally by the local edge`);
      }
    }
    if (rules.length === 0) return { ok: true, policy: null };
    return { ok: true, policy: { rules, warnings } };
  } catch (error) {
    if (error instanceof PolicyError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}

function ruleLabel(rule: PolicyRule): string {
  return rule.source === 'TrafficPolicy' ? `${rule.phase} rule ${rule.name !== null ? JSON.stringify(rule.name) : '(unnamed)'}` : `Opts.${rule.source}`;
}

// ---- the Traffic Policy document ----

function documentRules(text: string, warnings: string[]): PolicyRule[] {
  const invalid = (why: string) => new PolicyError(POLICY_ERRORS.invalidPolicy, `The traffic policy is invalid: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw invalid(`it is not valid JSON (${why}). The local test edge reads JSON only (ngrok also accepts YAML).`);
  }
  if (!isObject(parsed)) throw invalid('the document must be a JSON object with on_http_request / on_http_response / on_tcp_connect rule lists.');
  const known = new Map(PHASES);
  const unknown = Object.keys(parsed).filter((key) => !known.has(key));
  if (unknown.length > 0) throw invalid(`unknown top-level field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}; expected on_http_request, on_http_response or on_tcp_connect.`);
  const rules: PolicyRule[] = [];
  for (const [key, phase] of PHASES) {
    const list = parsed[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw invalid(`${key} must be a list of rules.`);
    if (key === 'inbound' || key === 'outbound') warnings.push(`"${key}" is the older name of ${phase}; read as ${phase}`);
    list.forEach((raw: unknown, index) => rules.push(documentRule(raw, phase, `${key}[${index}]`, invalid)));
  }
  return rules;
}

function documentRule(raw: unknown, phase: PolicyPhase, where: string, invalid: (why: string) => PolicyError): PolicyRule {
  if (!isObject(raw)) throw invalid(`${where} must be an object with "actions".`);
  const name = raw.name;
  if (name !== undefined && name !== null && typeof name !== 'string') throw invalid(`${where}.name must be a string.`);
  const expressions = raw.expressions ?? [];
  if (!Array.isArray(expressions) || !expressions.every((e) => typeof e === 'string')) throw invalid(`${where}.expressions must be a list of strings.`);
  const actions = raw.actions;
  if (!Array.isArray(actions) || actions.length === 0) throw invalid(`${where}.actions must be a non-empty list.`);
  return {
    source: 'TrafficPolicy',
    phase,
    name: typeof name === 'string' ? name : null,
    expressions: expressions as string[],
    actions: actions.map((action: unknown, i) => documentAction(action, phase, `${where}.actions[${i}]`, invalid)),
  };
}

function documentAction(raw: unknown, phase: PolicyPhase, where: string, invalid: (why: string) => PolicyError): PolicyAction {
  if (!isObject(raw) || typeof raw.type !== 'string' || raw.type.trim() === '') throw invalid(`${where} must be an object with a "type".`);
  const type = raw.type;
  const config = raw.config ?? {};
  if (!isObject(config)) throw invalid(`${where}.config must be an object.`);
  const phases = ACTION_PHASES[type];
  if (!phases) return { kind: 'ignored', type, config };
  if (!phases.includes(phase)) throw new PolicyError(POLICY_ERRORS.actionPhase, `Action type '${type}' is not supported for the ${phase} traffic policy phase (${where}).`);
  const bad = (field: string, why: string) => new PolicyError(POLICY_ERRORS.invalidConfig, `Configuration for policy action type '${type}' has an invalid value: ${field} ${why} (${where}).`);
  const enforce = config.enforce ?? true;
  if (typeof enforce !== 'boolean') throw bad('enforce', 'must be true or false');
  switch (type) {
    case 'basic-auth': {
      const realm = config.realm ?? 'ngrok';
      if (typeof realm !== 'string' || realm.length > 128 || !/^[\x20-\x7e]*$/.test(realm) || realm.includes('"')) throw bad('realm', 'must be printable ASCII without quotes, at most 128 characters');
      const list = config.credentials;
      if (!Array.isArray(list) || list.length === 0 || !list.every((c) => typeof c === 'string')) throw bad('credentials', 'must be a non-empty list of "username:password" strings');
      return { kind: 'basic-auth', type, realm, enforce, credentials: checkedCredentials(list.map((entry: string) => splitCredential(entry, bad)), bad) };
    }
    case 'restrict-ips': {
      const allow = cidrList(config.allow, 'allow', bad);
      const deny = cidrList(config.deny, 'deny', bad);
      const ipPolicies = config.ip_policies ?? [];
      if (!Array.isArray(ipPolicies) || !ipPolicies.every((p) => typeof p === 'string')) throw bad('ip_policies', 'must be a list of IP policy ids');
      if (allow.length === 0 && deny.length === 0 && ipPolicies.length === 0) throw bad('allow', 'or deny or ip_policies must list at least one entry');
      if (allow.length === 0 && deny.length > 0 && ipPolicies.length === 0) throw denyWithoutAllow();
      return { kind: 'restrict-ips', type, allow, deny, ipPolicies: ipPolicies as string[], enforce };
    }
    default: {
      // verify-webhook
      const provider = config.provider;
      if (typeof provider !== 'string' || provider.trim() === '') throw bad('provider', 'is required');
      const secret = config.secret;
      if (secret !== undefined && secret !== null && typeof secret !== 'string') throw bad('secret', 'must be a string');
      return { kind: 'verify-webhook', type, provider, secretGiven: typeof secret === 'string' && secret !== '', enforce };
    }
  }
}

function splitCredential(entry: string, bad: (field: string, why: string) => PolicyError): BasicAuthCredential {
  const colon = entry.indexOf(':'); // the first colon separates; the password may contain more
  if (colon <= 0) throw bad('credentials', `entry ${JSON.stringify(entry.replace(/:.*/, ':…'))} must look like "username:password"`);
  return { username: entry.slice(0, colon), password: entry.slice(colon + 1) };
}

function checkedCredentials(credentials: BasicAuthCredential[], bad: (field: string, why: string) => PolicyError): BasicAuthCredential[] {
  if (credentials.length > MAX_CREDENTIALS) throw bad('credentials', `may list at most ${MAX_CREDENTIALS} entries (got ${credentials.length})`);
  for (const { username, password } of credentials) {
    if (username === '') throw bad('credentials', 'username must not be empty');
    if (password.length < 8 || password.length > 128) throw bad('credentials', `the password of user ${JSON.stringify(username)} must be 8 to 128 characters (got ${password.length})`);
  }
  return credentials;
}

function cidrList(value: unknown, field: string, bad: (field: string, why: string) => PolicyError): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw bad(field, 'must be a list of CIDR strings');
  for (const cidr of value as string[]) if (!parseCidr(cidr)) throw bad(field, `entry ${JSON.stringify(cidr)} is not a CIDR (like 10.0.0.0/8 or 2001:db8::/32)`);
  return value as string[];
}

function denyWithoutAllow(): PolicyError {
  return new PolicyError(
    POLICY_ERRORS.denyWithoutAllow,
    'When specifying CIDRs to deny, you must specify at least one CIDR to allow. Otherwise all traffic will be denied. Use 0.0.0.0/0 and ::/0 to accept all traffic not explicitly blocked by your deny rules.',
  );
}

// ---- the legacy per-option forms ----

function legacyRules(opts: HttpOpts, warnings: string[]): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const rule = (source: PolicySource, action: PolicyAction): PolicyRule => ({ source, phase: 'on_http_request', name: null, expressions: [], actions: [action] });
  const bad = (option: string) => (field: string, why: string) => new PolicyError(POLICY_ERRORS.invalidConfig, `Invalid ${option}: ${field} ${why}.`);

  // ngrok's module order: IP restrictions before authentication.
  const ip = opts.IPRestriction;
  if (isObject(ip)) {
    const allow = cidrList(ip.allow_cidrs, 'allow_cidrs', bad('IP restriction (allowCidr/denyCidr)'));
    const deny = cidrList(ip.deny_cidrs, 'deny_cidrs', bad('IP restriction (allowCidr/denyCidr)'));
    if (allow.length === 0 && deny.length > 0) throw denyWithoutAllow();
    if (allow.length > 0) rules.push(rule('IPRestriction', { kind: 'restrict-ips', type: 'restrict-ips', allow, deny, ipPolicies: [], enforce: true }));
  }

  const basic = opts.BasicAuth;
  if (isObject(basic)) {
    const badBasic = bad('basic auth (basicAuth)');
    const list = basic.credentials;
    if (!Array.isArray(list) || list.length === 0) throw badBasic('credentials', 'must be a non-empty list');
    const credentials: BasicAuthCredential[] = [];
    for (const entry of list as unknown[]) {
      if (!isObject(entry) || typeof entry.username !== 'string') throw badBasic('credentials', 'entries need a username');
      if (typeof entry.cleartext_password === 'string') credentials.push({ username: entry.username, password: entry.cleartext_password });
      else warnings.push(`Opts.BasicAuth: user ${JSON.stringify(entry.username)} has no cleartext_password (hashed passwords cannot be checked by the local edge); that user can never log in here`);
    }
    rules.push(rule('BasicAuth', { kind: 'basic-auth', type: 'basic-auth', realm: 'ngrok', enforce: true, credentials: checkedCredentials(credentials, badBasic) }));
  }

  const webhook = opts.WebhookVerification;
  if (isObject(webhook) && typeof webhook.provider === 'string') {
    rules.push(rule('WebhookVerification', { kind: 'verify-webhook', type: 'verify-webhook', provider: webhook.provider, secretGiven: typeof webhook.secret === 'string' && webhook.secret !== '', enforce: true }));
  }
  return rules;
}

// ---- CIDRs ----

interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8`, `::1/128`, or a bare address (one host). Null when it is none of these. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const address = (slash >= 0 ? text.slice(0, slash) : text).trim();
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefixText = slash >= 0 ? text.slice(slash + 1).trim() : String(max);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

// One list per family: node's BlockList maps IPv4 into IPv6 space (so "::/0" would match 127.0.0.1),
// while ngrok, like Go's net.IPNet, never matches an IPv4 client with an IPv6 CIDR or the reverse.
const blockLists = new WeakMap<readonly string[], { readonly ipv4: BlockList; readonly ipv6: BlockList }>();

function blockListsOf(cidrs: readonly string[]): { readonly ipv4: BlockList; readonly ipv6: BlockList } {
  let lists = blockLists.get(cidrs);
  if (!lists) {
    lists = { ipv4: new BlockList(), ipv6: new BlockList() };
    for (const text of cidrs) {
      const cidr = parseCidr(text);
      if (cidr) lists[cidr.family].addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
    blockLists.set(cidrs, lists);
  }
  return lists;
}

/** Does `ip` (IPv4-mapped IPv6 already unwrapped by the caller) fall in one of the CIDRs of its own family? */
export function matchesCidrs(cidrs: readonly string[], ip: string): boolean {
  if (cidrs.length === 0 || isIP(ip) === 0) return false;
  const family = isIPv4(ip) ? 'ipv4' : 'ipv6';
  return blockListsOf(cidrs)[family].check(ip, family);
}

// ---- evaluation ----

export interface PolicyRequest {
  /** The public client's address: the TCP peer of the public port (what goes into X-Forwarded-For). */
  readonly clientIp: string;
  /** The request's Authorization header values. */
  readonly authorization: readonly string[];
}

export type PolicyVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly page: EdgeErrorPage; readonly action: 'basic-auth' | 'restrict-ips'; readonly reason: string };

/** Runs the on_http_request rules in order; the first enforcing action that fails ends the chain. */
export function evaluatePolicy(policy: TunnelPolicy, request: PolicyRequest): PolicyVerdict {
  const ip = clientIp(request.clientIp);
  for (const rule of policy.rules) {
    if (rule.phase !== 'on_http_request') continue;
    for (const action of rule.actions) {
      if (action.kind === 'restrict-ips') {
        // With only ip_policies (unresolvable here) for the allow side, only the deny CIDRs can decide.
        const allowed = (action.allow.length === 0 || matchesCidrs(action.allow, ip)) && !matchesCidrs(action.deny, ip);
        if (!allowed && action.enforce) return { allowed: false, action: 'restrict-ips', page: ipRestricted(ip), reason: `${ip} is not allowed by ${ruleLabel(rule)}` };
      } else if (action.kind === 'basic-auth') {
        const failure = basicAuthFailure(action, request.authorization);
        if (failure && action.enforce) return { allowed: false, action: 'basic-auth', page: unauthorized(action.realm), reason: `${failure} (${ruleLabel(rule)})` };
      }
    }
  }
  return { allowed: true };
}

/** Null when the request carries one of the credentials; otherwise why not. */
function basicAuthFailure(action: BasicAuthAction, authorization: readonly string[]): string | null {
  if (authorization.length === 0) return 'no credentials';
  if (authorization.length > 1) return 'more than one Authorization header';
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization[0] ?? '');
  if (!match) return 'the Authorization header is not Basic';
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed Basic credentials';
  const presented = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  let ok = false;
  for (const credential of action.credentials) ok = (sameText(credential.username, presented.username) && sameText(credential.password, presented.password)) || ok;
  return ok ? null : `wrong credentials for user ${JSON.stringify(presented.username)}`;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

// ---- the pages ----

export function unauthorized(realm: string): EdgeErrorPage {
  return {
    status: 401,
    reason: 'Unauthorized',
    code: null,
    title: 'Authentication required',
    detail: "This endpoint's traffic policy (basic-auth) requires a valid username and password.",
    headers: [['WWW-Authenticate', `Basic realm="${realm}"`]],
  };
}

export function ipRestricted(clientIp: string): EdgeErrorPage {
  return {
    status: 403,
    reason: 'Forbidden',
    code: 'ERR_NGROK_3205',
    title: 'Request blocked by Endpoints IP Restriction',
    detail: `The endpoint's IP restriction (restrict-ips) does not allow requests from ${clientIp}.`,
  };
}
