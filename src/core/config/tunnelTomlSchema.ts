import { tunnelTomlKeys } from './tunnelTomlKeys';
import type { TomlKeySpec } from './tunnelTomlKeys';

/** The subset of JSON Schema draft-07 the TOML schema uses. */
export interface JsonSchema {
  readonly $schema?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly properties?: { readonly [name: string]: JsonSchema };
  readonly additionalProperties?: boolean;
  readonly items?: JsonSchema;
  readonly maxItems?: number;
  readonly anyOf?: readonly JsonSchema[];
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: string | number | boolean;
}

/**
 * The JSON Schema of webhook-tunnel.toml (media/webhook-tunnel.schema.json, contributed through
 * `tomlValidation`), generated from the same key table as the reader so the two cannot drift;
 * a unit test keeps the file equal to this.
 */
export function tunnelTomlJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'webhook-tunnel.toml',
    description: 'Webhook Tunnel settings for a workspace folder: the ngrok tunnel in front of the local capture proxy, and its protections. A superset of PRX\'s [tunnel] / [tunnel.ngrok] tables. Strings may use ${ENV_VAR}.',
    type: 'object',
    additionalProperties: false,
    properties: childrenOf(''),
  };
}

function childrenOf(parent: string): { [name: string]: JsonSchema } {
  const prefix = parent === '' ? '' : `${parent}.`;
  const children: { [name: string]: JsonSchema } = {};
  for (const spec of tunnelTomlKeys) {
    const rest = spec.path.slice(prefix.length);
    if (spec.path.startsWith(prefix) && rest !== '' && !rest.includes('.')) children[rest] = schemaOf(spec);
  }
  return children;
}

function schemaOf(spec: TomlKeySpec): JsonSchema {
  const description = spec.ignored ? `${spec.description} Ignored: ${spec.ignored}.` : spec.description;
  const string: JsonSchema = spec.pattern ? { type: 'string', pattern: spec.pattern } : { type: 'string' };
  const strings: JsonSchema = spec.maxItems === undefined ? { type: 'array', items: string } : { type: 'array', items: string, maxItems: spec.maxItems };
  const extras = { ...(spec.default === undefined ? {} : { default: spec.default }) };
  switch (spec.kind) {
    case 'table':
      return { description, type: 'object', additionalProperties: false, properties: childrenOf(spec.path) };
    case 'any-table':
      return { description, type: 'object' };
    case 'string':
      return { description, ...string, ...(spec.enum ? { enum: spec.enum } : {}), ...extras };
    case 'boolean':
      return { description, type: 'boolean', ...extras };
    case 'integer':
    case 'number':
      return { description, type: spec.kind, ...range(spec), ...extras };
    case 'string-list':
      return { description, ...strings };
    case 'string-or-list':
      return { description, anyOf: [string, strings] };
    case 'list-or-table':
      return { description, anyOf: [strings, { type: 'object', additionalProperties: false, properties: childrenOf(spec.path) }] };
  }
}

function range(spec: TomlKeySpec): { minimum?: number; maximum?: number } {
  return { ...(spec.minimum === undefined ? {} : { minimum: spec.minimum }), ...(spec.maximum === undefined ? {} : { maximum: spec.maximum }) };
}
