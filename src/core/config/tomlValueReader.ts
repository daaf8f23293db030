import { problemAt } from './configProblem';
import type { ConfigProblem, ProblemSeverity, SourceSpan } from './configProblem';
import { closestMatch } from './didYouMean';
import { interpolateEnv, referenceOffset } from './envInterpolation';
import type { TomlLocations } from './tomlLocator';
import { tunnelTomlKeyMap } from './tunnelTomlKeys';
import type { Located } from './tunnelTomlTypes';

/** Suggested variable names for secrets written literally in the file. */
const secretVariables: Readonly<Record<string, string>> = {
  'tunnel.ngrok.authtoken': 'NGROK_AUTHTOKEN',
  'tunnel.ngrok.basic_auth': 'WEBHOOK_TUNNEL_PASSWORD',
  'tunnel.ngrok.verify_webhook.secret': 'WEBHOOK_SECRET',
};

/**
 * Typed access to the values that passed the shape check: interpolates `${ENV}` in strings, checks
 * ranges and enums, and collects the problems with their positions.
 */
export class TomlValueReader {
  readonly problems: ConfigProblem[] = [];

  constructor(
    private readonly values: ReadonlyMap<string, unknown>,
    readonly locations: TomlLocations,
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  has(path: string): boolean {
    return this.values.has(path);
  }

  raw(path: string): unknown {
    return this.values.get(path);
  }

  report(severity: ProblemSeverity, message: string, path: string, span: SourceSpan = this.locations.at(path)): void {
    this.problems.push(problemAt(severity, message, span, { key: path.replace(/\[\d+\]$/, ''), file: this.file }));
  }

  located<T>(value: T, path: string): Located<T> {
    return { value, key: path, span: this.locations.at(path) };
  }

  /** An interpolated string; undefined when absent, empty, or a variable it uses is not set. */
  string(path: string, value: unknown = this.values.get(path)): Located<string> | undefined {
    if (typeof value !== 'string') return undefined;
    const result = this.interpolate(path, value);
    if (result === undefined || result.trim() === '') return undefined;
    return this.located(result.trim(), path);
  }

  /** Interpolates one string (a whole value or an array item) and reports unset variables at the reference. */
  interpolate(path: string, text: string): string | undefined {
    const { value, missing } = interpolateEnv(text, this.env);
    const raw = this.locations.raw(path);
    const span = this.locations.at(path);
    for (const name of missing) {
      // Point at ${NAME} itself when the value sits on one line, so the squiggle is under the reference.
      const offset = raw !== undefined && !raw.includes('\n') ? referenceOffset(raw, name) : -1;
      const at = offset >= 0 ? { line: span.line, column: span.column + offset, endLine: span.line, endColumn: span.column + offset + name.length + 3 } : span;
      this.report('error', `Environment variable ${name} is not set (${path.replace(/\[\d+\]$/, '')} uses \${${name}}). Set it where VS Code starts, or write the value here.`, path, at);
    }
    return missing.length > 0 ? undefined : value;
  }

  /** A note when a secret sits in the file as plain text instead of an `${ENV}` reference. */
  noteLiteralSecret(path: string, text: string): void {
    if (text.includes('${') || text === '') return;
    const key = path.replace(/\[\d+\]$/, '');
    const variable = secretVariables[key] ?? 'SECRET';
    this.report('info', `${key} holds a secret written in this file; put it in an environment variable and write "\${${variable}}" so it stays out of version control.`, path);
  }

  boolean(path: string): Located<boolean> | undefined {
    const value = this.values.get(path);
    return typeof value === 'boolean' ? this.located(value, path) : undefined;
  }

  /** A number within the spec's minimum and maximum; out of range is an error. */
  number(path: string): Located<number> | undefined {
    const value = this.values.get(path);
    if (typeof value !== 'number') return undefined;
    const spec = tunnelTomlKeyMap.get(path);
    const { minimum, maximum } = spec ?? {};
    const tooLow = minimum !== undefined && value < minimum;
    const tooHigh = maximum !== undefined && value > maximum;
    if (tooLow || tooHigh || Number.isNaN(value)) {
      const range = maximum === undefined ? `at least ${minimum}` : `between ${minimum ?? '-∞'} and ${maximum}`;
      this.report('error', `${path} must be ${range} (it is ${value}).`, path);
      return undefined;
    }
    return this.located(value, path);
  }

  /** A string that must be one of `allowed`; a near miss gets a "did you mean". */
  oneOf<T extends string>(path: string, allowed: readonly T[], what: string): Located<T> | undefined {
    const text = this.string(path);
    if (!text) return undefined;
    if ((allowed as readonly string[]).includes(text.value)) return text as Located<T>;
    const suggestion = closestMatch(text.value, allowed);
    this.report('error', `"${text.value}" is not ${what}.${suggestion ? ` Did you mean "${suggestion}"?` : ''} Use one of: ${allowed.join(', ')}.`, path);
    return undefined;
  }

  /** The items of a string-or-list / string-list value with their own paths; a lone string is one item at the key's path. */
  items(path: string, value: unknown = this.values.get(path)): { path: string; text: string }[] {
    if (typeof value === 'string') return [{ path, text: value }];
    if (!Array.isArray(value)) return [];
    return value.map((item, index) => ({ path: `${path}[${index}]`, text: String(item) }));
  }
}
