import assert from 'node:assert/strict';
import type { ConfigProblem } from '../../../src/core/config/configProblem';
import { buildEffectiveConfig } from '../../../src/core/config/effectiveConfig';
import type { EffectiveConfigInput } from '../../../src/core/config/effectiveConfig';
import { readTunnelToml } from '../../../src/core/config/tunnelToml';
import { validateForStart } from '../../../src/core/config/validateForStart';

const FILE = '/ws/webhook-tunnel.toml';
const check = (input: EffectiveConfigInput): ConfigProblem[] => validateForStart(buildEffectiveConfig(input));
const toml = (text: string, env: NodeJS.ProcessEnv = {}) => readTunnelToml(text, FILE, env);
const brief = (problem: ConfigProblem) => ({ source: problem.source, key: problem.key, line: problem.line, column: problem.column, message: problem.message });

describe('validateForStart', () => {
  it('lets a tunnel without protections start', () => {
    assert.deepEqual(check({}), []);
  });

  it('blocks on the TOML file\'s errors, not on its warnings and notes', () => {
    const read = toml('[tunnel.ngrok]\nsubdomain = "x"\nngrok_path = "ngrok"\nregoin = "eu"\n');
    assert.equal(read.problems.length, 3);
    assert.deepEqual(check({ toml: read }).map((problem) => [problem.line, problem.message]), [[4, 'Unknown key "regoin" in [tunnel.ngrok]. Did you mean "region"?']]);
  });

  it('blocks a protection the file turned on whose entries were all invalid', () => {
    const read = toml('[tunnel.ngrok]\nbasic_auth = ["dev:short"]\n');
    const problems = check({ toml: read });
    assert.deepEqual(problems.map((problem) => [problem.line, problem.column, problem.message]), [
      [2, 15, 'tunnel.ngrok.basic_auth: the password for "dev" is 5 characters; ngrok requires 8–128.'],
      [2, 14, 'Basic auth is on (webhook-tunnel.toml:2) but has no credentials: set a user and password with "Toggle Basic Auth", or basic_auth = ["user:${PASSWORD}"] in webhook-tunnel.toml.'],
    ]);
    assert.equal(problems[1]!.file, FILE);
  });

  it('blocks basic auth without credentials or without a password', () => {
    assert.deepEqual(check({ settings: { basicAuth: { enabled: { value: true, scope: 'user' } } } }).map(brief), [
      { source: 'settings', key: 'webhookTunnel.basicAuth.enabled', line: 1, column: 1, message: 'Basic auth is on (webhookTunnel.basicAuth.enabled (user settings)) but has no credentials: set a user and password with "Toggle Basic Auth", or basic_auth = ["user:${PASSWORD}"] in webhook-tunnel.toml.' },
    ]);
    assert.deepEqual(check({ settings: { basicAuth: { username: { value: 'dev', scope: 'workspace' } } } }).map(brief), [
      { source: 'settings', key: 'webhookTunnel.basicAuth.username', line: 1, column: 1, message: 'Basic auth is on (webhookTunnel.basicAuth.username (workspace settings)) but user "dev" has no password: set one with "Toggle Basic Auth" (it is kept in VS Code\'s secret storage).' },
    ]);
  });

  it('blocks a short password from secret storage', () => {
    assert.deepEqual(check({ settings: { basicAuth: { username: { value: 'dev', scope: 'user' } } }, palette: { basicAuthPassword: 'abc' } }).map(brief), [
      { source: 'palette', key: 'Toggle Basic Auth', line: 1, column: 1, message: 'Basic auth: the password for "dev" is 3 characters; ngrok requires 8–128.' },
    ]);
    assert.deepEqual(check({ settings: { basicAuth: { username: { value: 'dev', scope: 'user' } } }, palette: { basicAuthPassword: 'correcthorse' } }), []);
  });

  it('does not start with basic auth turned off silently: an explicit off is fine', () => {
    const read = toml('[tunnel.ngrok]\nbasic_auth = ["dev:correcthorse"]\n');
    assert.deepEqual(check({ toml: read, palette: { basicAuthEnabled: false } }), []);
  });

  it('blocks IP restrictions without ranges, or with an invalid range from settings', () => {
    assert.deepEqual(check({ settings: { ipRestrictions: { enabled: { value: true, scope: 'user' } } } }).map((problem) => problem.message), [
      'IP restrictions are on (webhookTunnel.ipRestrictions.enabled (user settings)) but list no CIDRs: add allowed ranges, or turn them off.',
    ]);
    assert.deepEqual(check({ settings: { ipRestrictions: { allow: { value: ['10.0.0.0/8', '10.0.0.0/33'], scope: 'workspace' } } } }).map(brief), [
      { source: 'settings', key: 'webhookTunnel.ipRestrictions.allow', line: 1, column: 1, message: '"10.0.0.0/33" is not a valid CIDR: prefix must be 0–32 for IPv4.' },
    ]);
  });

  it('blocks an unknown provider from settings', () => {
    assert.deepEqual(check({ settings: { webhookVerification: { provider: { value: 'strpe', scope: 'user' } } } }).map((problem) => problem.message), [
      '"strpe" is not a webhook provider ngrok can verify. Did you mean "stripe" (Stripe)?',
    ]);
  });

  it('blocks a provider without a secret, pointing at the file when the provider is there', () => {
    const read = toml('[tunnel.ngrok.verify_webhook]\nprovider = "stripe"\n');
    assert.deepEqual(check({ toml: read }).map(brief), [
      { source: 'toml', key: 'tunnel.ngrok.verify_webhook.provider', line: 2, column: 12, message: 'Webhook verification for Stripe is on (webhook-tunnel.toml:2) but has no secret. Store the endpoint\'s signing secret (whsec_…) with "Verify Webhooks From…", or set secret in [tunnel.ngrok.verify_webhook].' },
    ]);
    assert.deepEqual(check({ toml: read, palette: { webhookSecrets: { stripe: 'whsec_x' } } }), []);
    assert.deepEqual(check({ palette: { webhookProvider: 'sns' } }), []);
    assert.deepEqual(check({ palette: { webhookProvider: 'github' } }).map((problem) => problem.message), [
      'Webhook verification for GitHub is on (Verify Webhooks From…) but has no secret. Store the GitHub signing secret with "Verify Webhooks From…", or set secret in [tunnel.ngrok.verify_webhook].',
    ]);
  });
});
