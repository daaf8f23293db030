import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseToml as parse } from '../../../src/core/config/smolToml';
import { readTunnelToml } from '../../../src/core/config/tunnelToml';
import { tunnelTomlKeys } from '../../../src/core/config/tunnelTomlKeys';
import { tunnelTomlJsonSchema } from '../../../src/core/config/tunnelTomlSchema';
import type { JsonSchema } from '../../../src/core/config/tunnelTomlSchema';
import { validateJsonSchema } from './miniJsonSchema';
import { filledTemplate } from './templateFixtures';

const SCHEMA_FILE = join(__dirname, '..', '..', '..', '..', 'media', 'webhook-tunnel.schema.json');
const schemaFile = (): JsonSchema => JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as JsonSchema;

/** Every dotted key path the schema describes. */
function schemaPaths(schema: JsonSchema, prefix = ''): string[] {
  const tables = [schema, ...(schema.anyOf ?? [])].filter((entry) => entry.properties);
  return tables.flatMap((table) =>
    Object.entries(table.properties!).flatMap(([name, child]) => {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      return [path, ...schemaPaths(child, path)];
    }),
  );
}

describe('webhook-tunnel.schema.json', () => {
  it('is the schema generated from the reader\'s key table (regenerate it when keys change)', () => {
    assert.deepEqual(schemaFile(), JSON.parse(JSON.stringify(tunnelTomlJsonSchema())));
  });

  it('is draft-07 and describes every key', () => {
    const schema = schemaFile();
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const visit = (entry: JsonSchema, path: string): void => {
      for (const [name, child] of Object.entries(entry.properties ?? {})) {
        assert.ok(child.description && child.description.length > 10, `${path}${name} has a description`);
        visit(child, `${path}${name}.`);
        for (const branch of child.anyOf ?? []) visit(branch, `${path}${name}.`);
      }
    };
    visit(schema, '');
  });

  it('has exactly the keys the reader accepts', () => {
    assert.deepEqual(schemaPaths(schemaFile()).sort(), tunnelTomlKeys.map((spec) => spec.path).sort());
  });

  it('accepts the filled-in template', () => {
    assert.deepEqual(validateJsonSchema(schemaFile(), parse(filledTemplate())), []);
  });

  it('accepts PRX\'s forms and rejects unknown keys, wrong types and bad values, like the reader', () => {
    const schema = schemaFile();
    const check = (toml: string): string[] => validateJsonSchema(schema, parse(toml));
    assert.deepEqual(check('[tunnel.ngrok]\nbasic_auth = "dev:correcthorse"\nip_restrictions = ["10.0.0.0/8"]\n[tunnel.cloudflare]\nanything = 1\n'), []);
    assert.deepEqual(check('[tunnel.ngrok]\nregoin = "eu"\n'), ['$.tunnel.ngrok.regoin: not allowed']);
    assert.deepEqual(check('[tunnel]\nextra = 1\n[tunnel.ngrok.verify_webhook]\nprovider = "github"\nsecret = "s"\nenforce = false\n'), ['$.tunnel.extra: not allowed', '$.tunnel.ngrok.verify_webhook.enforce: not allowed']);
    assert.deepEqual(check('top = 1\n'), ['$.top: not allowed']);
    assert.deepEqual(check('[tunnel.ngrok]\ninspect = "no"\n'), ['$.tunnel.ngrok.inspect: expected boolean']);
    assert.deepEqual(check('[tunnel]\nbackend = "cloudflare"\n'), ['$.tunnel.backend: not one of ngrok']);
    assert.deepEqual(check('[tunnel.ngrok]\ncircuit_breaker = 2\n'), ['$.tunnel.ngrok.circuit_breaker: above 1']);
    assert.equal(check('[tunnel.ngrok.verify_webhook]\nprovider = "githib"\n').length, 1);
    assert.equal(check('[tunnel.ngrok]\nbasic_auth = ["nocolon"]\n').length, 1);
  });

  it('and the reader agrees on those unknown keys', () => {
    const { problems } = readTunnelToml('[tunnel.ngrok]\nregoin = "eu"\n', 'webhook-tunnel.toml', {});
    assert.equal(problems[0]?.severity, 'error');
  });
});
