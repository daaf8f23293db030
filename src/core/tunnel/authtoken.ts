import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type AuthtokenSource = 'secretStorage' | 'environment' | 'ngrokConfig';

export interface FoundAuthtoken {
  readonly token: string;
  readonly source: AuthtokenSource;
  /** Where it came from, for the UI: "VS Code secret storage", "$NGROK_AUTHTOKEN", a config file path. */
  readonly where: string;
}

export interface AuthtokenLookup {
  readonly fromSecretStorage: () => Promise<string | undefined>;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly home: string;
}

/** Where the ngrok agent keeps its config on each OS (v3 first, then the v2 location older installs still have). */
export function ngrokConfigPaths(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string[] {
  const paths: string[] = [];
  if (platform === 'win32') paths.push(join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'ngrok', 'ngrok.yml'));
  else if (platform === 'darwin') paths.push(join(home, 'Library', 'Application Support', 'ngrok', 'ngrok.yml'));
  else paths.push(join(env.XDG_CONFIG_HOME || join(home, '.config'), 'ngrok', 'ngrok.yml'));
  paths.push(join(home, '.ngrok2', 'ngrok.yml'));
  return paths;
}

/**
 * Reads `authtoken` from an ngrok agent config: top level (v2) or under `agent:` (v3). The files are tiny and
 * this one key is all we need, so a line reader stands in for a YAML parser.
 */
export function authtokenFromNgrokConfig(text: string): string | undefined {
  let inAgent = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const topLevel = !/^\s/.test(line);
    if (topLevel) inAgent = /^agent:\s*(#.*)?$/.test(line);
    const match = /^(\s*)authtoken:\s*(?:"([^"]*)"|'([^']*)'|([^\s#]+))/.exec(line);
    if (match && (topLevel || inAgent)) return match[2] ?? match[3] ?? match[4];
  }
  return undefined;
}

/** First found wins: what the user set in VS Code, then the environment (Codespaces secrets), then the ngrok agent's config. */
export async function findAuthtoken(lookup: AuthtokenLookup): Promise<FoundAuthtoken | undefined> {
  const stored = (await lookup.fromSecretStorage())?.trim();
  if (stored) return { token: stored, source: 'secretStorage', where: 'VS Code secret storage' };
  const fromEnv = lookup.env.NGROK_AUTHTOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: 'environment', where: '$NGROK_AUTHTOKEN' };
  for (const path of ngrokConfigPaths(lookup.platform, lookup.env, lookup.home)) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    const token = authtokenFromNgrokConfig(text)?.trim();
    if (token) return { token, source: 'ngrokConfig', where: path };
  }
  return undefined;
}
