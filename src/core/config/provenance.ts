import { basename } from 'node:path';
import type { SourceSpan, ValueSource } from './configProblem';
import type { Located } from './tunnelTomlTypes';

/** Where one effective value came from. */
export interface Provenance {
  readonly source: ValueSource;
  /** For people: "default", "webhook-tunnel.toml:7", "webhookTunnel.ngrok.region (workspace settings)", "Toggle Basic Auth". */
  readonly label: string;
  /** The TOML path, setting id or command title. */
  readonly key?: string;
  /** The TOML file and the value's range in it, when `source` is `'toml'`. */
  readonly file?: string;
  readonly span?: SourceSpan;
}

export interface Sourced<T> {
  readonly value: T;
  readonly from: Provenance;
}

export type SettingScope = 'user' | 'workspace' | 'workspaceFolder';

const scopeLabel: Record<SettingScope, string> = { user: 'user settings', workspace: 'workspace settings', workspaceFolder: 'folder settings' };

export const fromDefault: Provenance = { source: 'default', label: 'default' };

export function fromToml(file: string, located: Located<unknown>): Provenance {
  return { source: 'toml', label: `${basename(file)}:${located.span.line}`, key: located.key, file, span: located.span };
}

export function fromSetting(id: string, scope: SettingScope): Provenance {
  return { source: 'settings', label: `${id} (${scopeLabel[scope]})`, key: id };
}

export function fromPalette(command: string): Provenance {
  return { source: 'palette', label: command, key: command };
}

/** `region = eu (from webhook-tunnel.toml:7)`; secrets are shown masked. */
export function describeSourced(name: string, sourced: Sourced<unknown>, options: { secret?: boolean } = {}): string {
  const { value } = sourced;
  const shown = value === undefined ? '(not set)' : options.secret ? '••••••' : Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  return `${name} = ${shown} (from ${sourced.from.label})`;
}
