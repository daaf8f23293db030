import { basicAuthLimits } from './protectionChecks';
import { webhookProviders } from './webhookProviders';

/**
 * The shape of each key: `table` holds known keys only; `any-table` is a PRX table we accept whole and
 * ignore; `string-or-list` is PRX's `basic_auth` (one credential or several); `list-or-table` is
 * `ip_restrictions` (PRX's plain allow list, or a table with allow and deny lists).
 */
export type TomlKeyKind = 'table' | 'any-table' | 'string' | 'boolean' | 'integer' | 'number' | 'string-list' | 'string-or-list' | 'list-or-table';

export interface TomlKeySpec {
  /** Dotted path from the document root. */
  readonly path: string;
  readonly kind: TomlKeyKind;
  /** One line; shown in the template and the JSON Schema. */
  readonly description: string;
  /** TOML source for the template's example value (`"eu"`, `["203.0.113.0/24"]`); tables have none. */
  readonly example?: string;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  /** For the JSON Schema: what string values (or list items) must look like. */
  readonly pattern?: string;
  /** For list values in the JSON Schema. */
  readonly maxItems?: number;
  /** For the JSON Schema (editor completion): the value that applies when the key is absent. */
  readonly default?: string | number | boolean;
  /** Holds a secret: the template shows a `${ENV_VAR}`, and a literal value gets a note. */
  readonly secret?: boolean;
  /** Accepted for compatibility with PRX configs, but has no effect here; says why. */
  readonly ignored?: string;
  /** Still applied (or not, as the text says), with a warning. */
  readonly deprecated?: string;
  /** The VS Code setting that means the same, for the template and provenance texts. */
  readonly setting?: string;
}

export const ngrokRegions = ['us', 'us-cal-1', 'eu', 'ap', 'au', 'sa', 'jp', 'in'] as const;
export const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

const ignoredBackendTable = (name: string): TomlKeySpec => ({
  path: `tunnel.${name}`,
  kind: 'any-table',
  description: `PRX's ${name} backend settings.`,
  ignored: `Webhook Tunnel only tunnels through ngrok, so [tunnel.${name}] has no effect`,
});

/** Every key the reader accepts, in template order. The JSON Schema and the template are generated from this. */
export const tunnelTomlKeys: readonly TomlKeySpec[] = [
  { path: 'tunnel', kind: 'table', description: 'How the tunnel reaches your dev server (PRX-compatible).' },
  { path: 'tunnel.backend', kind: 'string', enum: ['ngrok'], default: 'ngrok', example: '"ngrok"', description: 'Tunnel backend; only "ngrok" (the ngrok SDK runs inside VS Code).' },
  { path: 'tunnel.local_addr', kind: 'string', example: '"http://localhost:3000"', setting: 'webhookTunnel.upstream', description: 'The dev server that receives the webhooks: a port, host:port or URL.' },
  { path: 'tunnel.startup_timeout_secs', kind: 'integer', minimum: 1, default: 30, example: '30', description: 'Seconds to wait for the public URL before giving up.' },
  { path: 'tunnel.health_check_interval_secs', kind: 'integer', minimum: 1, example: '30', description: 'PRX health-check interval.', ignored: 'the extension watches the ngrok session with heartbeats (heartbeat_interval_secs)' },
  { path: 'tunnel.max_failures', kind: 'integer', minimum: 1, example: '3', description: 'PRX restart threshold.', ignored: 'the extension reconnects the ngrok session itself (heartbeat_tolerance_secs)' },
  ignoredBackendTable('cloudflare'),
  ignoredBackendTable('tailscale'),
  ignoredBackendTable('custom'),
  { path: 'tunnel.ngrok', kind: 'table', description: 'ngrok session, endpoint and protections.' },
  { path: 'tunnel.ngrok.authtoken', kind: 'string', secret: true, example: '"${NGROK_AUTHTOKEN}"', description: 'ngrok authtoken; keep it in an environment variable (or use "Set ngrok Authtoken").' },
  { path: 'tunnel.ngrok.region', kind: 'string', enum: ngrokRegions, example: '"eu"', setting: 'webhookTunnel.ngrok.region', description: 'ngrok region: us, us-cal-1, eu, ap, au, sa, jp or in; unset: the nearest.' },
  { path: 'tunnel.ngrok.domain', kind: 'string', example: '"my-app.ngrok-free.app"', setting: 'webhookTunnel.ngrok.domain', description: 'Domain to serve on (e.g. your free dev domain); unset: ngrok assigns one.' },
  { path: 'tunnel.ngrok.subdomain', kind: 'string', example: '"my-app"', description: 'Deprecated by ngrok and not applied; use domain.', deprecated: 'ngrok deprecated subdomain and the SDK ignores it; set domain = "<name>.ngrok.app" (or your reserved domain) instead. It is not applied' },
  { path: 'tunnel.ngrok.metadata', kind: 'string', example: '"webhook-tunnel dev"', setting: 'webhookTunnel.ngrok.metadata', description: 'Text attached to the session and endpoint, shown in the ngrok dashboard.' },
  { path: 'tunnel.ngrok.inspect', kind: 'boolean', default: true, example: 'true', description: 'Record request and response bodies in the history; false records headers only.' },
  { path: 'tunnel.ngrok.log_level', kind: 'string', enum: logLevels, default: 'info', example: '"info"', description: 'How much the tunnel logs: debug, info, warn or error.' },
  { path: 'tunnel.ngrok.basic_auth', kind: 'string-or-list', secret: true, pattern: '^$|^[^:]+:', maxItems: basicAuthLimits.maxCredentials, example: '["dev:${WEBHOOK_TUNNEL_PASSWORD}"]', description: 'HTTP Basic Auth at the ngrok edge: "user:password" (or up to 10); passwords 8–128 characters.' },
  { path: 'tunnel.ngrok.circuit_breaker', kind: 'number', minimum: 0, maximum: 1, example: '0.5', description: 'Error rate (0.0–1.0) at which ngrok stops forwarding for a while (circuit-breaker action).' },
  { path: 'tunnel.ngrok.compression', kind: 'boolean', default: false, example: 'false', description: 'Let ngrok compress responses (compress-response action).' },
  { path: 'tunnel.ngrok.pooling_enabled', kind: 'boolean', default: false, example: 'false', setting: 'webhookTunnel.ngrok.poolingEnabled', description: 'Let several agents serve the same URL (endpoint pooling).' },
  { path: 'tunnel.ngrok.server_addr', kind: 'string', example: '"connect.ngrok-agent.com:443"', setting: 'webhookTunnel.ngrok.serverAddr', description: 'ngrok edge to connect to, as host:port; unset: ngrok\'s default.' },
  { path: 'tunnel.ngrok.ca_certificate', kind: 'string', example: '"certs/corporate-ca.pem"', setting: 'webhookTunnel.ngrok.caCertificate', description: 'PEM file of the CA that signs the edge\'s certificate, relative to the folder.' },
  { path: 'tunnel.ngrok.traffic_policy_file', kind: 'string', example: '"traffic-policy.json"', setting: 'webhookTunnel.ngrok.trafficPolicyFile', description: 'Your own Traffic Policy file (JSON), applied after the protections here.' },
  { path: 'tunnel.ngrok.heartbeat_interval_secs', kind: 'number', minimum: 1, default: 10, example: '10', setting: 'webhookTunnel.ngrok.heartbeatIntervalSeconds', description: 'How often the session checks that ngrok is still there.' },
  { path: 'tunnel.ngrok.heartbeat_tolerance_secs', kind: 'number', minimum: 1, default: 15, example: '15', setting: 'webhookTunnel.ngrok.heartbeatToleranceSeconds', description: 'How long a heartbeat may go unanswered before reconnecting.' },
  { path: 'tunnel.ngrok.ngrok_path', kind: 'string', example: '"/usr/local/bin/ngrok"', description: 'PRX\'s path to the ngrok binary.', ignored: 'the ngrok SDK runs in-process, so there is no ngrok binary to start' },
  { path: 'tunnel.ngrok.ip_restrictions', kind: 'list-or-table', description: 'Which client IPs may call the tunnel (restrict-ips action).' },
  { path: 'tunnel.ngrok.ip_restrictions.allow_cidrs', kind: 'string-list', example: '["140.82.112.0/20", "2606:50c0::/32"]', description: 'Only these IPv4/IPv6 CIDRs may call; add IPv6 ranges too, or IPv6 clients get 403.' },
  { path: 'tunnel.ngrok.ip_restrictions.deny_cidrs', kind: 'string-list', example: '["203.0.113.0/24"]', description: 'These CIDRs are refused even when allowed; alone, everything else is allowed.' },
  { path: 'tunnel.ngrok.verify_webhook', kind: 'table', description: 'Let ngrok check webhook signatures and refuse forged calls (verify-webhook action).' },
  { path: 'tunnel.ngrok.verify_webhook.provider', kind: 'string', enum: webhookProviders.map((entry) => entry.id), example: '"github"', description: 'ngrok provider id, e.g. github, stripe, slack, shopify, twilio.' },
  { path: 'tunnel.ngrok.verify_webhook.secret', kind: 'string', secret: true, example: '"${GITHUB_WEBHOOK_SECRET}"', description: 'The provider\'s signing secret; keep it in an environment variable.' },
];

export const tunnelTomlKeyMap: ReadonlyMap<string, TomlKeySpec> = new Map(tunnelTomlKeys.map((spec) => [spec.path, spec]));

/** Keys people bring from elsewhere (ngrok's CLI, the SDK's legacy options, other tools' [tunnel] tables), by leaf name or full path. */
export const foreignKeyHints: Readonly<Record<string, string>> = {
  url: 'ngrok\'s --url is domain here: domain = "my-app.ngrok-free.app" (without https://)',
  hostname: 'use domain',
  verify_webhook_provider: 'use provider in [tunnel.ngrok.verify_webhook]',
  verify_webhook_secret: 'use secret in [tunnel.ngrok.verify_webhook]',
  ip_restriction_allow_cidrs: 'use allow_cidrs in [tunnel.ngrok.ip_restrictions]',
  ip_restriction_deny_cidrs: 'use deny_cidrs in [tunnel.ngrok.ip_restrictions]',
  'tunnel.provider': 'the tunnel backend is set with backend = "ngrok"',
  'tunnel.kind': 'the tunnel backend is set with backend = "ngrok"',
  auth_token: 'the key is authtoken',
};
