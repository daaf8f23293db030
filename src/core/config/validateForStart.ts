import { parseCidr } from './cidr';
import type { ConfigProblem } from './configProblem';
import type { EffectiveConfig } from './effectiveConfig';
import { basicAuthLimits, credentialProblems, sentence, tooManyCredentialsMessage } from './protectionChecks';
import type { Provenance } from './provenance';
import { unknownProviderMessage, webhookProviderById } from './webhookProviders';

/**
 * Everything that must stop the tunnel from starting, so that no protection the user turned on is ever
 * silently missing: the TOML file's errors, plus whatever the merged values leave incomplete (basic auth
 * without a password, a provider without its secret, an invalid CIDR from settings…).
 * Values read from the TOML file were already checked, with their exact positions, by readTunnelToml.
 */
export function validateForStart(effective: EffectiveConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = effective.fileProblems.filter((problem) => problem.severity === 'error');
  const block = (message: string, from: Provenance): void => {
    problems.push({ severity: 'error', message, line: from.span?.line ?? 1, column: from.span?.column ?? 1, endLine: from.span?.endLine, endColumn: from.span?.endColumn, key: from.key, file: from.file, source: from.source });
  };
  const checkedByReader = (from: Provenance): boolean => from.source === 'toml';
  const { basicAuth, ipRestrictions, webhookVerification } = effective.protections;

  if (basicAuth.enabled.value) {
    const on = `Basic auth is on (${basicAuth.enabled.from.label})`;
    if (basicAuth.credentials.length === 0) block(`${on} but has no credentials: set a user and password with "Toggle Basic Auth", or basic_auth = ["user:\${PASSWORD}"] in webhook-tunnel.toml.`, basicAuth.enabled.from);
    if (basicAuth.credentials.length > basicAuthLimits.maxCredentials) block(tooManyCredentialsMessage(basicAuth.credentials.length), basicAuth.enabled.from);
    for (const credential of basicAuth.credentials) {
      if (credential.password === undefined) {
        block(`${on} but user "${credential.username}" has no password: set one with "Toggle Basic Auth" (it is kept in VS Code's secret storage).`, credential.from);
      } else if (!checkedByReader(credential.from)) {
        for (const problem of credentialProblems(credential.username, credential.password)) block(`Basic auth: ${problem}.`, credential.passwordFrom ?? credential.from);
      }
    }
  }

  if (ipRestrictions.enabled.value) {
    const { allow, deny } = ipRestrictions;
    if (allow.value.length + deny.value.length === 0) {
      block(`IP restrictions are on (${ipRestrictions.enabled.from.label}) but list no CIDRs: add allowed ranges, or turn them off.`, ipRestrictions.enabled.from);
    }
    for (const list of [allow, deny]) {
      if (checkedByReader(list.from)) continue;
      for (const entry of list.value) {
        const result = parseCidr(entry);
        if (!result.ok) block(sentence(result.error), list.from);
      }
    }
  }

  const { provider, secret } = webhookVerification;
  if (provider.value !== undefined) {
    const known = webhookProviderById(provider.value);
    if (!known) {
      if (!checkedByReader(provider.from)) block(unknownProviderMessage(provider.value), provider.from);
    } else if (known.secretRequired && (secret.value === undefined || secret.value === '')) {
      const what = known.secretHint ?? `the ${known.name} signing secret`;
      block(`Webhook verification for ${known.name} is on (${provider.from.label}) but has no secret. Store ${what} with "Verify Webhooks From…", or set secret in [tunnel.ngrok.verify_webhook].`, provider.from);
    }
  }
  return problems;
}
