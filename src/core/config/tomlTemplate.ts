import { tunnelTomlKeys } from './tunnelTomlKeys';
import type { TomlKeySpec } from './tunnelTomlKeys';

const preamble = `# webhook-tunnel.toml: Webhook Tunnel settings for this workspace folder.
#
# Every key is optional and commented out: delete the "# " in front of a key to use it.
# Precedence: defaults < this file < VS Code settings (user, workspace, folder) < palette commands.
# Any string may use \${ENV_VAR}; the variable's value replaces it, and an unset variable is an error.
# $\${NAME} writes a literal \${NAME}; other \${...} (ngrok CEL, e.g. \${secrets.get('webhooks','github')})
# is passed to ngrok as is. Keep secrets out of this file: reference environment variables, as below.
# The keys are a superset of PRX's [tunnel] and [tunnel.ngrok] tables; PRX's other backend
# tables ([tunnel.cloudflare], [tunnel.tailscale], [tunnel.custom]) are accepted and ignored.
`;

/** The file "Open Tunnel Config File" creates: every key, commented out, each with a one-line explanation. */
export function tomlTemplate(): string {
  const lines: string[] = [preamble.trimEnd()];
  for (const spec of tunnelTomlKeys) {
    if (spec.kind === 'any-table') continue;
    const explanation = `# ${describe(spec)}`;
    if (spec.kind === 'table' || spec.kind === 'list-or-table') {
      // The two main tables stay open so uncommenting a key just works; sub-tables are optional.
      const header = spec.path.split('.').length <= 2 ? `[${spec.path}]` : `# [${spec.path}]`;
      lines.push('', explanation);
      if (spec.kind === 'list-or-table') lines.push(`# PRX's form, ${leaf(spec.path)} = ["…"] in [${parentPath(spec.path)}], is the same as allow_cidrs alone.`);
      lines.push(header);
      continue;
    }
    lines.push(explanation, `# ${leaf(spec.path)} = ${spec.example ?? '""'}`);
  }
  return `${lines.join('\n')}\n`;
}

function describe(spec: TomlKeySpec): string {
  if (spec.ignored) return `${spec.description} Ignored: ${spec.ignored}.`;
  return spec.setting ? `${spec.description} (setting: ${spec.setting})` : spec.description;
}

const leaf = (path: string): string => path.slice(path.lastIndexOf('.') + 1);
const parentPath = (path: string): string => path.slice(0, path.lastIndexOf('.'));
