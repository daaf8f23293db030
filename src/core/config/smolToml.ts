import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };

/*
 * smol-toml ships ESM types but also a CommonJS build (its "require" export). Our sources compile as
 * CommonJS under Node16 resolution, where TypeScript refuses a static import of an ESM-typed package, so
 * take the types from the ESM entry and the code through require(); esbuild bundles either way.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const smolToml = require('smol-toml') as typeof SmolToml;

export const parseToml: typeof SmolToml.parse = smolToml.parse;
export const TomlError: typeof SmolToml.TomlError = smolToml.TomlError;
export type TomlError = SmolToml.TomlError;
