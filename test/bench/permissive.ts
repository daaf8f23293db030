/**
 * Stand-ins for the parts of an API a fake does not model. Reading any property, calling, or `new`-ing one
 * yields another stand-in; written properties read back. They are not thenables, so `await` on one resolves
 * to it instead of hanging, and they stringify to ''.
 */
export function permissive(): unknown {
  const written = new Map<PropertyKey, unknown>();
  const children = new Map<PropertyKey, unknown>();
  // A function target so the stand-in can be called and constructed.
  const target = function standIn(): void {};
  return new Proxy(target, {
    get(_target, key) {
      if (written.has(key)) return written.get(key);
      if (key === 'then') return undefined;
      if (key === Symbol.toPrimitive) return () => '';
      if (key === Symbol.iterator) return function* empty() {};
      if (typeof key === 'symbol') return undefined;
      let child = children.get(key);
      if (child === undefined) {
        child = permissive();
        children.set(key, child);
      }
      return child;
    },
    set(_target, key, value) {
      written.set(key, value);
      return true;
    },
    has(target, key) {
      return written.has(key) || Reflect.has(target, key);
    },
    apply: () => permissive(),
    construct: () => permissive() as object,
  });
}

/** `real` as is, with a stand-in for every property it lacks. */
export function withFallback<T extends object>(real: T): T {
  const children = new Map<PropertyKey, unknown>();
  return new Proxy(real, {
    get(target, key, receiver) {
      if (key in target) return Reflect.get(target, key, receiver) as unknown;
      if (key === 'then' || typeof key === 'symbol') return undefined;
      let child = children.get(key);
      if (child === undefined) {
        child = permissive();
        children.set(key, child);
      }
      return child;
    },
  });
}
