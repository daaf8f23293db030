import assert from 'node:assert/strict';
import { buildEffectiveConfig, effectiveDefaults } from '../../../src/core/config/effectiveConfig';
import { describeSourced } from '../../../src/core/config/provenance';
import { readTunnelToml } from '../../../src/core/config/tunnelToml';

const FILE = '/ws/webhook-tunnel.toml';
const toml = (text: string, env: NodeJS.ProcessEnv = {}) => readTunnelToml(text, FILE, env);

const sample = toml(
  [
    '[tunnel]',
    'local_addr = "localhost:4000"',
    '[tunnel.ngrok]',
    'authtoken = "${NGROK_AUTHTOKEN}"',
    'domain = "file.ngrok-free.app"',
    'region = "eu"',
    'inspect = false',
    'basic_auth = ["dev:${PW}"]',
    'ip_restrictions = { allow_cidrs = ["140.82.112.0/20"], deny_cidrs = ["140.82.115.0/24"] }',
    '[tunnel.ngrok.verify_webhook]',
    'provider = "github"',
    'secret = "${GH}"',
  ].join('\n'),
  { NGROK_AUTHTOKEN: 'file-token', PW: 'correcthorse', GH: 'gh-secret' },
);

describe('buildEffectiveConfig', () => {
  it('uses the defaults when nothing is set, and says so', () => {
    const effective = buildEffectiveConfig({});
    assert.deepEqual(effective.upstream, { value: effectiveDefaults.upstream, from: { source: 'default', label: 'default' } });
    assert.equal(effective.capturePort.value, 0);
    assert.equal(effective.recordBodies.value, true);
    assert.equal(effective.ngrok.region.value, undefined);
    assert.equal(effective.ngrok.heartbeatIntervalSecs.value, 10);
    assert.equal(effective.protections.basicAuth.enabled.value, false);
    assert.equal(effective.protections.ipRestrictions.enabled.value, false);
    assert.equal(effective.protections.webhookVerification.provider.value, undefined);
    assert.deepEqual(effective.fileProblems, []);
    assert.equal(effective.configFile, undefined);
  });

  it('takes the TOML file over the defaults, with the line each value came from', () => {
    assert.deepEqual(sample.problems, []);
    const effective = buildEffectiveConfig({ toml: sample });
    assert.deepEqual(effective.ngrok.region, {
      value: 'eu',
      from: { source: 'toml', label: 'webhook-tunnel.toml:6', key: 'tunnel.ngrok.region', file: FILE, span: { line: 6, column: 10, endLine: 6, endColumn: 14 } },
    });
    assert.equal(describeSourced('region', effective.ngrok.region), 'region = eu (from webhook-tunnel.toml:6)');
    assert.equal(describeSourced('authtoken', effective.ngrok.authtoken, { secret: true }), 'authtoken = •••••• (from webhook-tunnel.toml:4)');
    assert.equal(effective.upstream.value, 'localhost:4000');
    assert.equal(effective.recordBodies.value, false);
    assert.equal(effective.configFile, FILE);
    const { basicAuth, ipRestrictions, webhookVerification } = effective.protections;
    assert.equal(basicAuth.enabled.value, true);
    assert.equal(basicAuth.enabled.from.label, 'webhook-tunnel.toml:8');
    assert.deepEqual(basicAuth.credentials.map(({ username, password, from }) => [username, password, from.label]), [['dev', 'correcthorse', 'webhook-tunnel.toml:8']]);
    assert.deepEqual([ipRestrictions.enabled.value, ipRestrictions.allow.value, ipRestrictions.deny.value], [true, ['140.82.112.0/20'], ['140.82.115.0/24']]);
    assert.deepEqual([webhookVerification.provider.value, webhookVerification.secret.value, webhookVerification.secret.from.label], ['github', 'gh-secret', 'webhook-tunnel.toml:12']);
  });

  it('takes settings over the file; an explicitly empty setting clears the file\'s value', () => {
    const effective = buildEffectiveConfig({
      toml: sample,
      settings: {
        upstream: { value: 'http://localhost:3000', scope: 'user' },
        ngrok: { region: { value: 'us', scope: 'workspace' }, domain: { value: '', scope: 'workspaceFolder' }, poolingEnabled: { value: true, scope: 'user' } },
        ipRestrictions: { allow: { value: ['2606:50c0::/32'], scope: 'workspace' } },
      },
    });
    assert.equal(describeSourced('region', effective.ngrok.region), 'region = us (from webhookTunnel.ngrok.region (workspace settings))');
    assert.deepEqual(effective.ngrok.domain, { value: undefined, from: { source: 'settings', label: 'webhookTunnel.ngrok.domain (folder settings)', key: 'webhookTunnel.ngrok.domain' } });
    assert.equal(effective.upstream.from.source, 'settings');
    assert.equal(effective.ngrok.poolingEnabled.value, true);
    const { allow, deny } = effective.protections.ipRestrictions;
    assert.deepEqual([allow.value, allow.from.source, deny.value, deny.from.source], [['2606:50c0::/32'], 'settings', ['140.82.115.0/24'], 'toml']);
  });

  it('takes palette input over settings: secrets from secret storage and session toggles', () => {
    const effective = buildEffectiveConfig({
      toml: sample,
      settings: { basicAuth: { enabled: { value: true, scope: 'user' } }, ipRestrictions: { enabled: { value: true, scope: 'workspace' } } },
      palette: { authtoken: 'stored-token', ipRestrictionsEnabled: false },
    });
    assert.deepEqual(effective.ngrok.authtoken, { value: 'stored-token', from: { source: 'palette', label: 'Set ngrok Authtoken', key: 'Set ngrok Authtoken' } });
    assert.deepEqual(effective.protections.basicAuth.enabled.from, { source: 'settings', label: 'webhookTunnel.basicAuth.enabled (user settings)', key: 'webhookTunnel.basicAuth.enabled' });
    assert.deepEqual([effective.protections.ipRestrictions.enabled.value, effective.protections.ipRestrictions.enabled.from.label], [false, 'Toggle IP Restrictions']);
  });

  it('replaces the file\'s credentials with the settings user and its stored password', () => {
    const withPassword = buildEffectiveConfig({ toml: sample, settings: { basicAuth: { username: { value: 'alice', scope: 'user' } } }, palette: { basicAuthPassword: 'wonderland' } });
    assert.deepEqual(
      withPassword.protections.basicAuth.credentials.map(({ username, password, from, passwordFrom }) => [username, password, from.label, passwordFrom?.label]),
      [['alice', 'wonderland', 'webhookTunnel.basicAuth.username (user settings)', 'Toggle Basic Auth']],
    );
    const without = buildEffectiveConfig({ settings: { basicAuth: { username: { value: 'alice', scope: 'user' } } } });
    assert.equal(without.protections.basicAuth.enabled.value, true);
    assert.deepEqual(without.protections.basicAuth.credentials.map(({ password, passwordFrom }) => [password, passwordFrom]), [[undefined, undefined]]);
  });

  it('uses a webhook secret only with the provider it was given for', () => {
    const switched = buildEffectiveConfig({ toml: sample, settings: { webhookVerification: { provider: { value: 'stripe', scope: 'workspace' } } } });
    assert.deepEqual([switched.protections.webhookVerification.provider.value, switched.protections.webhookVerification.secret.value], ['stripe', undefined]);
    const stored = buildEffectiveConfig({ toml: sample, palette: { webhookProvider: 'stripe', webhookSecrets: { stripe: 'whsec_1', github: 'other' } } });
    assert.deepEqual([stored.protections.webhookVerification.provider.from.label, stored.protections.webhookVerification.secret.value, stored.protections.webhookVerification.secret.from.label], ['Verify Webhooks From…', 'whsec_1', 'Verify Webhooks From…']);
    const off = buildEffectiveConfig({ toml: sample, settings: { webhookVerification: { provider: { value: '', scope: 'user' } } } });
    assert.equal(off.protections.webhookVerification.provider.value, undefined);
  });

  it('carries the file\'s problems along', () => {
    const broken = toml('[tunnel.ngrok]\nregoin = "eu"\n');
    assert.equal(buildEffectiveConfig({ toml: broken }).fileProblems, broken.problems);
  });
});
