/** Where a value came from; the UI shows it ("from webhook-tunnel.toml:7"). */
export type ValueSource = 'default' | 'toml' | 'settings' | 'palette';

export type ProblemSeverity = 'error' | 'warning' | 'info';

/** A range in a text file: 1-based lines and columns (UTF-16 units, as VS Code counts); the end is exclusive. */
export interface SourceSpan {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/**
 * One thing wrong (or worth knowing) about the configuration. Problems from a file always carry its
 * `file` and a real position, so the VS Code layer can put them in the Problems panel. Problems about a
 * value from settings or the palette have `source` set, `key` naming the setting or command, and 1:1.
 */
export interface ConfigProblem {
  readonly severity: ProblemSeverity;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  /** A dotted TOML path (`tunnel.ngrok.region`), a setting id (`webhookTunnel.ngrok.region`) or a command title. */
  readonly key?: string;
  readonly file?: string;
  /** Absent for problems found while reading a file (they are all `'toml'`). */
  readonly source?: ValueSource;
}

export function problemAt(severity: ProblemSeverity, message: string, span: SourceSpan, extra: { key?: string; file?: string } = {}): ConfigProblem {
  return { severity, message, line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn, ...extra };
}

/** `webhook-tunnel.toml:3:5: error: …`, the compiler-style line for logs and tests. */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.file ? `${problem.file}:${problem.line}:${problem.column}` : (problem.key ?? problem.source ?? 'config');
  return `${where}: ${problem.severity}: ${problem.message}`;
}

export function hasErrors(problems: readonly ConfigProblem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}
