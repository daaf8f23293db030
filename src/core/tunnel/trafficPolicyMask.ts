import { policyPhases } from './trafficPolicyTypes';
import type { PolicyAction, PolicyDocument, PolicyPhase, PolicyRule } from './trafficPolicyTypes';

export const secretMask = '••••••';

/** Config fields that hold secrets in any action (verify-webhook's secret, oauth/oidc client_secret…). */
const secretFields = new Set(['secret', 'client_secret', 'password', 'token', 'api_key']);

/** A whole-value CEL expression (`${secrets.get('webhooks','github')}`) is a reference, not a secret: keep it visible. */
const isReference = (value: string): boolean => /^\$\{[^}]*\}$/.test(value);
const maskText = (value: string): string => (isReference(value) ? value : secretMask);
const mask = (value: unknown): unknown => (typeof value === 'string' ? maskText(value) : value);

/** A copy of the policy with passwords and secrets replaced by `••••••`, for the read-only "show policy" view. */
export function maskTrafficPolicy(document: PolicyDocument): PolicyDocument {
  const masked: { [phase in PolicyPhase]?: PolicyRule[] } = {};
  for (const phase of policyPhases) {
    const rules = document[phase];
    if (rules) masked[phase] = rules.map((rule) => ({ ...rule, actions: rule.actions.map(maskAction) }));
  }
  return masked;
}

/** The masked policy as indented JSON. */
export function renderMaskedTrafficPolicy(document: PolicyDocument): string {
  return JSON.stringify(maskTrafficPolicy(document), null, 2);
}

function maskAction(action: PolicyAction): PolicyAction {
  if (!action.config) return action;
  const config: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(action.config)) {
    if (action.type === 'basic-auth' && field === 'credentials' && Array.isArray(value)) config[field] = value.map(maskCredential);
    else config[field] = secretFields.has(field) ? mask(value) : value;
  }
  return { ...action, config };
}

/** `user:password` → `user:••••••`; the user name stays, it is what people look for. */
function maskCredential(credential: unknown): unknown {
  if (typeof credential !== 'string') return credential;
  const colon = credential.indexOf(':');
  if (colon === -1) return maskText(credential);
  return `${credential.slice(0, colon)}:${maskText(credential.slice(colon + 1))}`;
}
