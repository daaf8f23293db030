import type { PolicyDocument, TrafficPolicyInput } from '../tunnel/trafficPolicyTypes';
import { normaliseCidr } from './cidr';
import type { EffectiveConfig } from './effectiveConfig';

/**
 * The Traffic Policy input for what is switched on. Call after validateForStart returned no problems:
 * this only drops what cannot be sent (a credential without password), it does not judge.
 */
export function trafficPolicyInputOf(effective: EffectiveConfig, userPolicy?: PolicyDocument): TrafficPolicyInput {
  const { basicAuth, ipRestrictions, webhookVerification } = effective.protections;
  const cidrs = (list: readonly string[]): string[] => list.map(normaliseCidr).filter((cidr): cidr is string => cidr !== undefined);
  const credentials = basicAuth.credentials.flatMap(({ username, password }) => (password === undefined ? [] : [{ username, password }]));
  const provider = webhookVerification.provider.value;
  const secret = webhookVerification.secret.value;
  return {
    basicAuth: basicAuth.enabled.value ? { credentials } : undefined,
    ipRestrictions: ipRestrictions.enabled.value ? { allow: cidrs(ipRestrictions.allow.value), deny: cidrs(ipRestrictions.deny.value) } : undefined,
    webhookVerification: provider === undefined ? undefined : secret === undefined ? { provider } : { provider, secret },
    circuitBreaker: effective.ngrok.circuitBreaker.value,
    compression: effective.ngrok.compression.value,
    userPolicy,
  };
}
