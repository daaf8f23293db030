/** The Traffic Policy phases ngrok knows; an HTTP endpoint uses the first two. */
export const policyPhases = ['on_http_request', 'on_http_response', 'on_tcp_connect'] as const;
export type PolicyPhase = (typeof policyPhases)[number];

export interface PolicyAction {
  readonly type: string;
  readonly config?: { readonly [field: string]: unknown };
}

export interface PolicyRule {
  readonly name?: string;
  /** CEL expressions that must all be true for the actions to run; none means always. */
  readonly expressions?: readonly string[];
  readonly actions: readonly PolicyAction[];
}

export type PolicyDocument = { readonly [phase in PolicyPhase]?: readonly PolicyRule[] };

/** The protections to enforce at the edge, already validated (validateForStart) and normalised. */
export interface TrafficPolicyInput {
  readonly basicAuth?: { readonly credentials: readonly { readonly username: string; readonly password: string }[] };
  /** Canonical CIDRs; an empty allow list with a deny list means "everyone but these". */
  readonly ipRestrictions?: { readonly allow: readonly string[]; readonly deny: readonly string[] };
  /** `secret` may be absent only for providers that need none (Amazon SNS). */
  readonly webhookVerification?: { readonly provider: string; readonly secret?: string };
  /** Error rate 0–1 (PRX's circuit_breaker). */
  readonly circuitBreaker?: number;
  readonly compression?: boolean;
  /** The user's own policy file, merged after ours. */
  readonly userPolicy?: PolicyDocument;
}

export interface ComposedTrafficPolicy {
  readonly document: PolicyDocument;
  /** What the SDK's `trafficPolicy` takes; empty when there is nothing to enforce, so no policy is set. */
  readonly json: string;
  readonly warnings: string[];
}
