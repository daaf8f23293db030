import { isIP } from 'node:net';
import { policyPhases } from './trafficPolicyTypes';
import type { ComposedTrafficPolicy, PolicyAction, PolicyDocument, PolicyPhase, PolicyRule, TrafficPolicyInput } from './trafficPolicyTypes';

/** ngrok's free plan: "Traffic Policy Rules per Policy: 5" (pricing-limits/free-plan-limits). */
export const freePlanRuleLimit = 5;

export const protectionRuleName = 'Webhook Tunnel protections';
export const compressionRuleName = 'Webhook Tunnel compression';

/** restrict-ips allows a client only if it matches an allow entry, so "deny these" alone needs allow-all. */
const allowEveryone = ['0.0.0.0/0', '::/0'];

/**
 * Builds the endpoint's Traffic Policy from the protections. Ours come first in each phase, in one rule
 * (a free plan has only 5 rules per policy): restrict-ips (cheapest refusal), basic-auth, verify-webhook,
 * then circuit-breaker. The user's policy file follows, phase by phase, unchanged.
 */
export function composeTrafficPolicy(input: TrafficPolicyInput): ComposedTrafficPolicy {
  const warnings: string[] = [];
  const requestActions: PolicyAction[] = [];
  const { ipRestrictions, basicAuth, webhookVerification } = input;
  if (ipRestrictions) {
    const allow = ipRestrictions.allow.length > 0 ? [...ipRestrictions.allow] : allowEveryone;
    const config = ipRestrictions.deny.length > 0 ? { enforce: true, allow, deny: [...ipRestrictions.deny] } : { enforce: true, allow };
    requestActions.push({ type: 'restrict-ips', config });
    warnings.push(...allowListWarnings(ipRestrictions.allow));
  }
  if (basicAuth) {
    requestActions.push({ type: 'basic-auth', config: { credentials: basicAuth.credentials.map(({ username, password }) => `${username}:${password}`), enforce: true } });
  }
  if (webhookVerification) {
    const { provider, secret } = webhookVerification;
    requestActions.push({ type: 'verify-webhook', config: secret === undefined ? { provider, enforce: true } : { provider, secret, enforce: true } });
  }
  if (input.circuitBreaker !== undefined) requestActions.push({ type: 'circuit-breaker', config: { error_threshold: input.circuitBreaker } });

  const ours: Partial<Record<PolicyPhase, PolicyRule[]>> = {};
  if (requestActions.length > 0) ours.on_http_request = [{ name: protectionRuleName, actions: requestActions }];
  if (input.compression) ours.on_http_response = [{ name: compressionRuleName, actions: [{ type: 'compress-response', config: { algorithms: ['gzip', 'br', 'deflate', 'compress'] } }] }];

  const document: { [phase in PolicyPhase]?: PolicyRule[] } = {};
  for (const phase of policyPhases) {
    const rules = [...(ours[phase] ?? []), ...(input.userPolicy?.[phase] ?? [])];
    if (rules.length > 0) document[phase] = rules;
  }
  const ruleCount = countRules(document);
  if (ruleCount > freePlanRuleLimit) {
    const theirs = countRules(input.userPolicy ?? {});
    warnings.push(`The traffic policy has ${ruleCount} rules (${ruleCount - theirs} from Webhook Tunnel, ${theirs} from your policy file); ngrok's free plan allows ${freePlanRuleLimit} per policy, so on a free account the endpoint won't start (ERR_NGROK_15004). Merge rules in your policy file, or upgrade.`);
  }
  return { document, json: ruleCount === 0 ? '' : JSON.stringify(document), warnings };
}

export function countRules(document: PolicyDocument): number {
  return policyPhases.reduce((total, phase) => total + (document[phase]?.length ?? 0), 0);
}

/** ngrok's own caution: "Don't forget to create IPv6 rules." */
function allowListWarnings(allow: readonly string[]): string[] {
  if (allow.length === 0) return [];
  const families = new Set(allow.map((cidr) => isIP(cidr.split('/')[0] ?? '')));
  if (!families.has(6)) return ['The IP allow list has only IPv4 ranges, so every client that connects over IPv6 gets 403. Add the sender\'s IPv6 ranges too (or ::/0 to let all IPv6 through).'];
  if (!families.has(4)) return ['The IP allow list has only IPv6 ranges, so every client that connects over IPv4 gets 403. Add the sender\'s IPv4 ranges too.'];
  return [];
}
