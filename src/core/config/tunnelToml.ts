import { parseToml, TomlError } from './smolToml';
import { parseCidr } from './cidr';
import type { ConfigProblem } from './configProblem';
import { credentialProblems, basicAuthLimits, sentence, splitCredential, tooManyCredentialsMessage } from './protectionChecks';
import type { Credential } from './protectionChecks';
import { locateToml } from './tomlLocator';
import { checkTomlShape, isTable } from './tomlShape';
import { TomlValueReader } from './tomlValueReader';
import { logLevels, ngrokRegions } from './tunnelTomlKeys';
import type { Located, TomlIpRestrictions, TomlReadResult, TomlTunnelConfig, TomlWebhookVerification } from './tunnelTomlTypes';
import { parseUpstream, UpstreamError } from './upstream';
import { unknownProviderMessage, webhookProviderById } from './webhookProviders';

export const tunnelTomlFileName = 'webhook-tunnel.toml';

/**
 * Reads `webhook-tunnel.toml`. Never throws for bad input: every problem (syntax, unknown key, wrong type,
 * invalid value, unset `${VAR}`) comes back with its line and column, and what was valid is still returned.
 */
export function readTunnelToml(text: string, filePath: string, env: NodeJS.ProcessEnv): TomlReadResult {
  let document: Record<string, unknown>;
  try {
    document = parseToml(text);
  } catch (error) {
    if (error instanceof TomlError) return { config: { file: filePath }, problems: [syntaxProblem(error, filePath)] };
    throw error;
  }
  const locations = locateToml(text);
  const shape = checkTomlShape(document, locations, filePath);
  const reader = new TomlValueReader(shape.values, locations, filePath, env);
  const config = withoutUndefined(readConfig(reader, filePath));
  const problems = [...shape.problems, ...reader.problems].sort((a, b) => a.line - b.line || a.column - b.column);
  return { config, problems };
}

/** Drops absent keys, so the config lists only what the file sets. */
function withoutUndefined(config: TomlTunnelConfig): TomlTunnelConfig {
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as unknown as TomlTunnelConfig;
}

function syntaxProblem(error: TomlError, file: string): ConfigProblem {
  // smol-toml's message is "Invalid TOML document: <reason>\n\n<code excerpt>"; the excerpt is for terminals.
  const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
  return { severity: 'error', message: `Invalid TOML: ${sentence(reason)}`, line: error.line, column: error.column, endLine: error.line, endColumn: error.column + 1, file };
}

function readConfig(r: TomlValueReader, file: string): TomlTunnelConfig {
  return {
    file,
    backend: readBackend(r),
    localAddr: readLocalAddr(r),
    startupTimeoutSecs: r.number('tunnel.startup_timeout_secs'),
    authtoken: readSecret(r, 'tunnel.ngrok.authtoken'),
    region: r.oneOf('tunnel.ngrok.region', ngrokRegions, 'an ngrok region'),
    domain: readHost(r, 'tunnel.ngrok.domain', 'a host name such as my-app.ngrok-free.app, without https:// or a path'),
    metadata: r.string('tunnel.ngrok.metadata'),
    inspect: r.boolean('tunnel.ngrok.inspect'),
    logLevel: r.oneOf('tunnel.ngrok.log_level', logLevels, 'a log level'),
    basicAuth: readBasicAuth(r),
    ipRestrictions: readIpRestrictions(r),
    circuitBreaker: r.number('tunnel.ngrok.circuit_breaker'),
    compression: r.boolean('tunnel.ngrok.compression'),
    poolingEnabled: r.boolean('tunnel.ngrok.pooling_enabled'),
    serverAddr: readHost(r, 'tunnel.ngrok.server_addr', 'host:port, such as connect.ngrok-agent.com:443, without a scheme'),
    caCertificate: r.string('tunnel.ngrok.ca_certificate'),
    trafficPolicyFile: r.string('tunnel.ngrok.traffic_policy_file'),
    heartbeatIntervalSecs: r.number('tunnel.ngrok.heartbeat_interval_secs'),
    heartbeatToleranceSecs: r.number('tunnel.ngrok.heartbeat_tolerance_secs'),
    verifyWebhook: readVerifyWebhook(r),
  };
}

function readBackend(r: TomlValueReader): Located<'ngrok'> | undefined {
  const backend = r.string('tunnel.backend');
  if (!backend) return undefined;
  if (backend.value === 'ngrok') return backend as Located<'ngrok'>;
  r.report('error', `backend = "${backend.value}" is not supported: Webhook Tunnel only tunnels through ngrok (the ngrok SDK runs inside VS Code). Use backend = "ngrok" or leave the key out.`, 'tunnel.backend');
  return undefined;
}

function readLocalAddr(r: TomlValueReader): Located<string> | undefined {
  const address = r.string('tunnel.local_addr');
  if (!address) return undefined;
  try {
    parseUpstream(address.value);
    return address;
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    r.report('error', `tunnel.local_addr: ${error.message}`, 'tunnel.local_addr');
    return undefined;
  }
}

/** Host names and host:port values; a scheme or path is a common paste mistake worth catching here. */
function readHost(r: TomlValueReader, path: string, what: string): Located<string> | undefined {
  const host = r.string(path);
  if (!host) return undefined;
  if (!/:\/\/|\//.test(host.value)) return host;
  r.report('error', `${path} must be ${what} (it is "${host.value}").`, path);
  return undefined;
}

function readSecret(r: TomlValueReader, path: string): Located<string> | undefined {
  const raw = r.raw(path);
  if (typeof raw === 'string') r.noteLiteralSecret(path, raw);
  return r.string(path);
}

function readBasicAuth(r: TomlValueReader): TomlTunnelConfig['basicAuth'] {
  const path = 'tunnel.ngrok.basic_auth';
  const entries = r.items(path).filter((entry) => entry.text.trim() !== '');
  // PRX's default is an empty string or list: that means "off", not "on without credentials".
  if (entries.length === 0) return undefined;
  const credentials: Located<Credential>[] = [];
  entries.forEach((entry, index) => {
    if (index === basicAuthLimits.maxCredentials) r.report('error', tooManyCredentialsMessage(entries.length), entry.path);
    const text = r.interpolate(entry.path, entry.text);
    if (text === undefined) return;
    const credential = splitCredential(text);
    if (!credential) {
      r.report('error', `${path} entries must be "user:password"; entry ${index + 1} has no ":".`, entry.path);
      return;
    }
    const problems = credentialProblems(credential.username, credential.password);
    for (const problem of problems) r.report('error', `${path}: ${problem}.`, entry.path);
    r.noteLiteralSecret(entry.path, splitCredential(entry.text)?.password ?? '');
    if (problems.length === 0) credentials.push(r.located(credential, entry.path));
  });
  return r.located(credentials, path);
}

function readIpRestrictions(r: TomlValueReader): Located<TomlIpRestrictions> | undefined {
  const path = 'tunnel.ngrok.ip_restrictions';
  const value = r.raw(path);
  if (value === undefined) return undefined;
  const table = isTable(value);
  const allowPath = table ? `${path}.allow_cidrs` : path;
  const denyPath = `${path}.deny_cidrs`;
  const allowItems = r.items(allowPath);
  const denyItems = table ? r.items(denyPath) : [];
  // PRX's default `ip_restrictions = []` means no restriction.
  if (allowItems.length + denyItems.length === 0) return undefined;
  const read = (items: { path: string; text: string }[]): Located<string>[] =>
    items.flatMap((item) => {
      const text = r.interpolate(item.path, item.text);
      if (text === undefined) return [];
      const result = parseCidr(text);
      if (!result.ok) {
        r.report('error', `${sentence(result.error)}`, item.path);
        return [];
      }
      if (result.adjustment) r.report(result.adjustment.kind === 'bare-address' ? 'info' : 'warning', sentence(result.adjustment.message), item.path);
      return [r.located(result.cidr.text, item.path)];
    });
  return r.located({ allow: read(allowItems), deny: read(denyItems) }, path);
}

function readVerifyWebhook(r: TomlValueReader): Located<TomlWebhookVerification> | undefined {
  const path = 'tunnel.ngrok.verify_webhook';
  if (!r.has(path)) return undefined;
  const providerText = r.string(`${path}.provider`);
  const secret = readSecret(r, `${path}.secret`);
  if (!providerText && !secret) return undefined;
  let provider: Located<string> | undefined;
  if (providerText) {
    const known = webhookProviderById(providerText.value);
    if (known) provider = { ...providerText, value: known.id };
    else r.report('error', unknownProviderMessage(providerText.value), providerText.key);
  }
  if (!providerText && secret) {
    r.report('error', `${path}.secret is set but provider is not: add provider = "github" (or the id of the service that signs your webhooks).`, secret.key);
  }
  if (provider && !secret && webhookProviderById(provider.value)?.secretRequired) {
    // The secret may still come from VS Code's secret storage; validateForStart makes the final call.
    r.report('warning', `Webhook verification for ${provider.value} has no secret here: add secret = "\${WEBHOOK_SECRET}" or store one with "Verify Webhooks From…". The tunnel won't start without one.`, provider.key);
  }
  return r.located({ provider, secret }, path);
}
