import { problemAt } from './configProblem';
import type { ConfigProblem } from './configProblem';
import { closestMatch } from './didYouMean';
import { parentOf } from './tomlLocator';
import type { TomlLocations } from './tomlLocator';
import { foreignKeyHints, tunnelTomlKeyMap, tunnelTomlKeys } from './tunnelTomlKeys';
import type { TomlKeyKind, TomlKeySpec } from './tunnelTomlKeys';

export type TomlTable = { readonly [key: string]: unknown };

export interface ShapeCheck {
  /** Known keys whose values have the right type, by dotted path (tables included). */
  readonly values: ReadonlyMap<string, unknown>;
  readonly problems: ConfigProblem[];
}

/** Checks every key against the spec table: unknown keys and wrong types are errors; ignored and deprecated keys get a note. */
export function checkTomlShape(document: TomlTable, locations: TomlLocations, file: string): ShapeCheck {
  const values = new Map<string, unknown>();
  const problems: ConfigProblem[] = [];

  const walk = (table: TomlTable, prefix: string): void => {
    for (const [name, value] of Object.entries(table)) {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      const spec = tunnelTomlKeyMap.get(path);
      if (!spec) {
        problems.push(problemAt('error', unknownKeyMessage(path, prefix, name, isTable(value)), locations.keyAt(path), { key: path, file }));
        continue;
      }
      const typeError = checkKind(spec, value, path, locations);
      if (typeError) {
        problems.push(problemAt('error', typeError.message, locations.at(typeError.path), { key: path, file }));
        continue;
      }
      if (spec.ignored) problems.push(problemAt('info', `${path} is ignored: ${spec.ignored}.`, locations.keyAt(path), { key: path, file }));
      if (spec.deprecated) problems.push(problemAt('warning', `${path} is deprecated: ${spec.deprecated}.`, locations.keyAt(path), { key: path, file }));
      values.set(path, value);
      if ((spec.kind === 'table' || spec.kind === 'list-or-table') && isTable(value)) walk(value, path);
    }
  };
  walk(document, '');
  return { values, problems };
}

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function unknownKeyMessage(path: string, parent: string, name: string, table: boolean): string {
  const where = parent === '' ? 'at the top level' : `in [${parent}]`;
  const hint = foreignKeyHints[path] ?? foreignKeyHints[name];
  if (hint) return `Unknown key "${name}" ${where}: ${hint}.`;
  const elsewhere = tunnelTomlKeys.find((spec) => spec.path.endsWith(`.${name}`) && spec.path !== path);
  if (elsewhere) return `Unknown key "${name}" ${where}: it belongs in [${parentOf(elsewhere.path)}].`;
  const siblings = tunnelTomlKeys.filter((spec) => (parentOf(spec.path) ?? '') === parent);
  const suggestion = closestMatch(name, siblings.map((spec) => leafOf(spec.path)));
  if (suggestion) return `Unknown key "${name}" ${where}. Did you mean "${suggestion}"?`;
  // A typo of a key that lives in another table: name both the key and its table.
  const other = closestMatch(name, tunnelTomlKeys.map((spec) => leafOf(spec.path)));
  const otherSpec = tunnelTomlKeys.find((spec) => leafOf(spec.path) === other);
  const sameShape = otherSpec !== undefined && table === ['table', 'any-table', 'list-or-table'].includes(otherSpec.kind);
  if (otherSpec && sameShape && otherSpec.path.includes('.')) return `Unknown key "${name}" ${where}. Did you mean "${leafOf(otherSpec.path)}" in [${parentOf(otherSpec.path)}]?`;
  return `Unknown key "${name}" ${where}.${parent === '' ? ' The file has one table, [tunnel].' : ''}`;
}

const leafOf = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

const expected: Record<TomlKeyKind, string> = {
  'table': 'a table',
  'any-table': 'a table',
  'string': 'a string',
  'boolean': 'a boolean (true or false)',
  'integer': 'an integer',
  'number': 'a number',
  'string-list': 'an array of strings',
  'string-or-list': 'a string or an array of strings',
  'list-or-table': 'an array of strings or a table',
};

/** The first type mismatch in a value (array items are checked one by one), or undefined. */
function checkKind(spec: TomlKeySpec, value: unknown, path: string, locations: TomlLocations): { message: string; path: string } | undefined {
  // A secret of the wrong type is still a secret: don't echo it.
  const raw = spec.secret ? '' : (locations.raw(path) ?? '');
  const mismatch = (): { message: string; path: string } => ({ message: `${path} must be ${expected[spec.kind]}, not ${describe(value, raw)}.`, path });
  switch (spec.kind) {
    case 'table':
    case 'any-table':
      return isTable(value) ? undefined : mismatch();
    case 'string':
      return typeof value === 'string' ? undefined : mismatch();
    case 'boolean':
      return typeof value === 'boolean' ? undefined : mismatch();
    case 'number':
      return typeof value === 'number' ? undefined : mismatch();
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && !isFloatLiteral(raw) ? undefined : mismatch();
    case 'string-or-list':
      if (typeof value === 'string') return undefined;
      return Array.isArray(value) ? checkItems(value, path, locations, spec.secret) : mismatch();
    case 'string-list':
      return Array.isArray(value) ? checkItems(value, path, locations) : mismatch();
    case 'list-or-table':
      if (isTable(value)) return undefined;
      return Array.isArray(value) ? checkItems(value, path, locations) : mismatch();
  }
}

function checkItems(items: readonly unknown[], path: string, locations: TomlLocations, secret = false): { message: string; path: string } | undefined {
  const index = items.findIndex((item) => typeof item !== 'string');
  if (index === -1) return undefined;
  const itemPath = `${path}[${index}]`;
  const raw = secret ? '' : (locations.raw(itemPath) ?? '');
  return { message: `${path} must hold strings only; item ${index + 1} is ${describe(items[index], raw)}.`, path: itemPath };
}

function isFloatLiteral(raw: string): boolean {
  return /^[+-]?(inf|nan)$/.test(raw) || (!/^[+-]?0[xob]/i.test(raw) && /[.eE]/.test(raw));
}

/** "an integer (5)", "a table", for type errors. */
function describe(value: unknown, raw: string): string {
  const shown = raw.length > 0 && raw.length <= 40 && !raw.includes('\n') ? ` (${raw})` : '';
  if (typeof value === 'string') return `a string${shown}`;
  if (typeof value === 'boolean') return `a boolean${shown}`;
  if (typeof value === 'number') return `${Number.isInteger(value) && !isFloatLiteral(raw) ? 'an integer' : 'a float'}${shown}`;
  if (value instanceof Date) return `a date${shown}`;
  if (Array.isArray(value)) return 'an array';
  return 'a table';
}
