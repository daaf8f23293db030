import type { ConfigProblem, SourceSpan } from './configProblem';
import type { Credential } from './protectionChecks';
import type { LogLevel } from './tunnelTomlKeys';

/** A value read from the TOML file, with the dotted path it was read from and where it sits. */
export interface Located<T> {
  readonly value: T;
  readonly key: string;
  readonly span: SourceSpan;
}

export interface TomlIpRestrictions {
  /** Canonical CIDRs; entries that failed validation are left out (and reported as errors). */
  readonly allow: readonly Located<string>[];
  readonly deny: readonly Located<string>[];
}

export interface TomlWebhookVerification {
  readonly provider?: Located<string>;
  readonly secret?: Located<string>;
}

/**
 * What `webhook-tunnel.toml` sets, after `${ENV}` interpolation; keys that are absent, empty or invalid
 * are undefined. A protection key that was present stays present even when its entries were all invalid,
 * so "turned on but unusable" can never look like "off".
 */
export interface TomlTunnelConfig {
  readonly file: string;
  readonly backend?: Located<'ngrok'>;
  readonly localAddr?: Located<string>;
  readonly startupTimeoutSecs?: Located<number>;
  readonly authtoken?: Located<string>;
  readonly region?: Located<string>;
  readonly domain?: Located<string>;
  readonly metadata?: Located<string>;
  readonly inspect?: Located<boolean>;
  readonly logLevel?: Located<LogLevel>;
  readonly basicAuth?: Located<readonly Located<Credential>[]>;
  readonly ipRestrictions?: Located<TomlIpRestrictions>;
  readonly circuitBreaker?: Located<number>;
  readonly compression?: Located<boolean>;
  readonly poolingEnabled?: Located<boolean>;
  readonly serverAddr?: Located<string>;
  readonly caCertificate?: Located<string>;
  readonly trafficPolicyFile?: Located<string>;
  readonly heartbeatIntervalSecs?: Located<number>;
  readonly heartbeatToleranceSecs?: Located<number>;
  readonly verifyWebhook?: Located<TomlWebhookVerification>;
}

export interface TomlReadResult {
  readonly config: TomlTunnelConfig;
  readonly problems: ConfigProblem[];
}
