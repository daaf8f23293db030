import assert from 'node:assert/strict';
import { parseToml } from '../../../src/core/config/smolToml';
import { tomlTemplate } from '../../../src/core/config/tomlTemplate';
import { readTunnelToml } from '../../../src/core/config/tunnelToml';
import { tunnelTomlKeys } from '../../../src/core/config/tunnelTomlKeys';
import { filledTemplate, templateEnv } from './templateFixtures';

describe('tomlTemplate', () => {
  it('is valid TOML that sets nothing as written', () => {
    const { config, problems } = readTunnelToml(tomlTemplate(), 'webhook-tunnel.toml', {});
    assert.deepEqual(problems, []);
    assert.deepEqual(config, { file: 'webhook-tunnel.toml' });
  });

  it('lists every key, commented out, under a one-line explanation', () => {
    const template = tomlTemplate();
    for (const spec of tunnelTomlKeys) {
      const leaf = spec.path.split('.').pop()!;
      if (spec.kind === 'any-table') {
        assert.match(template, new RegExp(`\\[${spec.path.replace(/\./g, '\\.')}\\]`), spec.path);
        continue;
      }
      const pattern = spec.kind === 'table' || spec.kind === 'list-or-table' ? `^(# )?\\[${spec.path.replace(/\./g, '\\.')}\\]$` : `^# ${leaf} = `;
      const index = template.split('\n').findIndex((line) => new RegExp(pattern).test(line));
      assert.ok(index > 0, `${spec.path} is in the template`);
      assert.match(template.split('\n')[index - 1]!, /^# [A-Z(a-z"]/, `${spec.path} has an explanation`);
    }
  });

  it('shows secrets as ${ENV_VAR} references, never literally', () => {
    const template = tomlTemplate();
    for (const spec of tunnelTomlKeys.filter((key) => key.secret)) {
      const line = template.split('\n').find((text) => text.startsWith(`# ${spec.path.split('.').pop()} = `))!;
      assert.match(line, /\$\{[A-Z_]+\}/, spec.path);
    }
  });

  it('reads back cleanly with every key switched on (only the expected notes)', () => {
    const filled = filledTemplate();
    assert.doesNotThrow(() => parseToml(filled));
    const { config, problems } = readTunnelToml(filled, 'webhook-tunnel.toml', templateEnv);
    assert.deepEqual(problems.filter((problem) => problem.severity === 'error'), []);
    assert.deepEqual(problems.map((problem) => problem.key), ['tunnel.health_check_interval_secs', 'tunnel.max_failures', 'tunnel.ngrok.subdomain', 'tunnel.ngrok.ngrok_path']);
    assert.equal(config.verifyWebhook?.value.secret?.value, 'whsec');
    assert.deepEqual(config.basicAuth?.value.map((entry) => entry.value), [{ username: 'dev', password: 'correcthorse' }]);
  });
});
