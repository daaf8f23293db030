export interface Interpolation {
  readonly value: string;
  /** Variables referenced but not set, in order of appearance; each is an error for the caller to report. */
  readonly missing: readonly string[];
  /** Every variable referenced (set or not): a secret that references none is written in the file itself. */
  readonly referenced: readonly string[];
}

/**
 * Replaces `${NAME}` with the environment variable's value. Only plain variable names are references:
 * anything else in `${…}` (ngrok's CEL, e.g. `${secrets.get('webhooks','github')}`) is left for ngrok, and
 * `$${NAME}` writes a literal `${NAME}`. A variable set to the empty string counts as set.
 */
export function interpolateEnv(text: string, env: NodeJS.ProcessEnv): Interpolation {
  const missing: string[] = [];
  const referenced: string[] = [];
  const value = text.replace(/\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match: string, escape: string, name: string) => {
    if (escape) return match.slice(1);
    referenced.push(name);
    const found = env[name];
    if (found === undefined) {
      missing.push(name);
      return match;
    }
    return found;
  });
  return { value, missing, referenced };
}

/** The offset of `${NAME}` in a raw source snippet, so an error can point at the reference itself. */
export function referenceOffset(raw: string, name: string): number {
  return Math.max(0, raw.indexOf(`\${${name}}`));
}
