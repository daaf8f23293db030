/*
 * Small validators for the webview protocol: each returns the checked value or throws a ProtocolError naming the
 * path and what was expected. Objects are strict (an unknown key is an error), so nothing rides along unchecked.
 */

const nothing = Symbol('nothing');

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(at: string, expected: string, got: unknown = nothing) {
    super(`${at || 'message'}: expected ${expected}${got === nothing ? '' : `, got ${describe(got)}`}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

/** Returns the value, typed, or throws a ProtocolError; `at` is the path so far, for the message. */
export type Validator<T> = (value: unknown, at: string) => T;

/** Marks an object property that may be absent (undefined is treated as absent). */
interface OptionalValidator<T> extends Validator<T | undefined> {
  readonly optional: true;
}

export function optional<T>(validator: Validator<T>): OptionalValidator<T> {
  const check = ((value: unknown, at: string) => (value === undefined ? undefined : validator(value, at))) as OptionalValidator<T>;
  return Object.assign(check, { optional: true as const });
}

export function string(options: { min?: number; max: number; pattern?: RegExp; describe?: string }): Validator<string> {
  const { min = 0, max, pattern, describe: what = 'a string' } = options;
  return (value, at) => {
    if (typeof value !== 'string') throw new ProtocolError(at, what, value);
    if (value.length < min || value.length > max) throw new ProtocolError(at, `${what} of ${min}–${max} characters`, value);
    if (pattern && !pattern.test(value)) throw new ProtocolError(at, what, value);
    return value;
  };
}

export const boolean: Validator<boolean> = (value, at) => {
  if (typeof value !== 'boolean') throw new ProtocolError(at, 'a boolean', value);
  return value;
};

export const finite: Validator<number> = (value, at) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ProtocolError(at, 'a finite number', value);
  return value;
};

export function nonNegative(options: { integer?: boolean }): Validator<number> {
  return (value, at) => {
    const ok = typeof value === 'number' && Number.isFinite(value) && value >= 0 && (!options.integer || Number.isSafeInteger(value));
    if (!ok) throw new ProtocolError(at, options.integer ? 'a whole number ≥ 0' : 'a number ≥ 0', value);
    return value;
  };
}

export function literal<const T extends string | boolean>(expected: T): Validator<T> {
  return (value, at) => {
    if (value !== expected) throw new ProtocolError(at, JSON.stringify(expected), value);
    return expected;
  };
}

export function oneOf<const T extends readonly string[]>(...values: T): Validator<T[number]> {
  return (value, at) => {
    if (typeof value !== 'string' || !values.includes(value)) throw new ProtocolError(at, `one of ${values.join(', ')}`, value);
    return value;
  };
}

export function array<T>(item: Validator<T>, options: { max: number }): Validator<T[]> {
  return (value, at) => {
    if (!Array.isArray(value)) throw new ProtocolError(at, 'an array', value);
    if (value.length > options.max) throw new ProtocolError(at, `at most ${options.max} items`, value);
    return value.map((element, index) => item(element, `${at}[${index}]`));
  };
}

type Shape = Record<string, Validator<unknown>>;
type Checked<S extends Shape> = { -readonly [K in keyof S]: S[K] extends Validator<infer T> ? T : never };

/** A plain object with exactly these keys (optional ones may be missing). Returns a fresh copy of the checked keys. */
export function object<S extends Shape>(shape: S): Validator<Checked<S>> {
  const keys = Object.keys(shape);
  return (value, at) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError(at, 'an object', value);
    for (const key of Object.keys(value)) {
      if (!Object.prototype.hasOwnProperty.call(shape, key)) throw new ProtocolError(`${at}.${key}`, 'no such property');
    }
    const result: Record<string, unknown> = {};
    for (const key of keys) {
      const present = Object.prototype.hasOwnProperty.call(value, key);
      const validator = shape[key]!;
      if (!present && !(validator as Partial<OptionalValidator<unknown>>).optional) throw new ProtocolError(`${at}.${key}`, 'a value (missing)');
      const checked = validator(present ? (value as Record<string, unknown>)[key] : undefined, `${at}.${key}`);
      if (checked !== undefined) result[key] = checked;
    }
    return result as Checked<S>;
  };
}

/** A union told apart by one property (string or boolean); `variants` is keyed by its value as a string. */
export function union<T>(discriminant: string, variants: Record<string, Validator<T>>): Validator<T> {
  return (value, at) => {
    const tag = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[discriminant] : undefined;
    const key = typeof tag === 'string' || typeof tag === 'boolean' ? String(tag) : undefined;
    if (key === undefined || !Object.prototype.hasOwnProperty.call(variants, key)) throw new ProtocolError(`${at}.${discriminant}`, `one of ${Object.keys(variants).join(', ')}`, tag);
    return variants[key]!(value, at);
  };
}
