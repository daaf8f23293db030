import type { JsonSchema } from '../../../src/core/config/tunnelTomlSchema';

/**
 * A validator for the subset of JSON Schema draft-07 our schema uses (type, properties,
 * additionalProperties, items, maxItems, anyOf, enum, pattern, minimum, maximum). Returns the paths and
 * reasons of every violation; enough to check the schema without a dependency.
 */
export function validateJsonSchema(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  if (schema.anyOf) {
    const branches = schema.anyOf.map((branch) => validateJsonSchema(branch, value, path));
    if (!branches.some((branch) => branch.length === 0)) errors.push(`${path}: matches no alternative (${branches.map((branch) => branch.join('; ')).join(' | ')})`);
  }
  if (schema.type && !hasType(value, schema.type)) return [...errors, `${path}: expected ${schema.type}`];
  if (schema.enum && !schema.enum.includes(value as string)) errors.push(`${path}: not one of ${schema.enum.join(', ')}`);
  if (typeof value === 'string' && schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: does not match ${schema.pattern}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, index) => errors.push(...validateJsonSchema(schema.items!, item, `${path}[${index}]`)));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      const property = schema.properties?.[key];
      if (property) errors.push(...validateJsonSchema(property, child, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
    }
  }
  return errors;
}

function hasType(value: unknown, type: NonNullable<JsonSchema['type']>): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}
