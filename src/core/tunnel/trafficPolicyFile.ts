import { basename, extname } from 'node:path';
import type { ConfigProblem } from '../config/configProblem';
import { closestMatch } from '../config/didYouMean';
import { policyPhases } from './trafficPolicyTypes';
import type { PolicyDocument, PolicyPhase, PolicyRule } from './trafficPolicyTypes';

export interface TrafficPolicyFileResult {
  /** Undefined when the file has errors: a half-read policy must not be merged. */
  readonly document?: PolicyDocument;
  readonly problems: ConfigProblem[];
}

/** ngrok's old phase names, from before Traffic Policy settled on on_http_*. */
const renamedPhases: Readonly<Record<string, PolicyPhase>> = { inbound: 'on_http_request', outbound: 'on_http_response' };

/**
 * Reads the user's Traffic Policy file (webhookTunnel.ngrok.trafficPolicyFile / traffic_policy_file).
 * JSON only: the extension bundles no YAML parser, so a YAML file gets an error that says so; JSON is
 * itself valid YAML, so ngrok's CLI reads the same file. The shape is checked enough to catch the usual
 * mistakes (wrong phase names, rules without actions); ngrok validates the actions themselves.
 */
export function readTrafficPolicyFile(text: string, filePath: string): TrafficPolicyFileResult {
  const source = text.replace(/^\uFEFF/, '');
  const name = basename(filePath);
  const at = (offset: number, severity: ConfigProblem['severity'], message: string): ConfigProblem => ({ severity, message, ...position(source, offset), file: filePath });
  if (source.trim() === '') return { problems: [at(0, 'error', `${name} is empty; write a Traffic Policy as JSON, e.g. {"on_http_request": [...]}.`)] };

  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    const looksYaml = ['.yml', '.yaml'].includes(extname(filePath).toLowerCase()) || !/^\s*[[{]/.test(source);
    if (looksYaml) {
      return { problems: [at(0, 'error', `${name} looks like YAML, but Webhook Tunnel reads traffic policy files as JSON only (it bundles no YAML parser). Write the same policy as JSON; JSON is valid YAML, so ngrok reads it too.`)] };
    }
    const reason = error instanceof Error ? error.message : String(error);
    const offset = Number(/at position (\d+)/.exec(reason)?.[1] ?? source.length);
    return { problems: [at(offset, 'error', `${name} is not valid JSON: ${reason.replace(/ in JSON at position \d+.*$/, '')}.`)] };
  }

  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { problems: [at(0, 'error', `${name} must hold a JSON object whose keys are phases (on_http_request, on_http_response).`)] };
  }
  const problems: ConfigProblem[] = [];
  const document: { [phase in PolicyPhase]?: PolicyRule[] } = {};
  for (const [phase, rules] of Object.entries(parsed)) {
    const keyAt = keyOffset(source, phase);
    if (!(policyPhases as readonly string[]).includes(phase)) {
      const suggestion = renamedPhases[phase] ?? closestMatch(phase, policyPhases);
      problems.push(at(keyAt, 'error', `"${phase}" is not a Traffic Policy phase.${suggestion ? ` Did you mean "${suggestion}"?` : ''} Phases: ${policyPhases.join(', ')}.`));
      continue;
    }
    const ruleProblem = checkRules(rules, phase);
    if (ruleProblem) problems.push(at(keyAt, 'error', `${name}: ${ruleProblem}`));
    else document[phase as PolicyPhase] = rules as PolicyRule[];
  }
  return problems.length > 0 ? { problems } : { document, problems };
}

/** The first thing ngrok would refuse in a phase's rule list, or undefined. */
function checkRules(rules: unknown, phase: string): string | undefined {
  if (!Array.isArray(rules)) return `${phase} must be a list of rules.`;
  for (const [index, rule] of rules.entries()) {
    const which = `${phase} rule ${index + 1}`;
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return `${which} must be an object with "actions".`;
    const { name, expressions, actions } = rule as Record<string, unknown>;
    if (name !== undefined && typeof name !== 'string') return `${which}: "name" must be a string.`;
    if (expressions !== undefined && !(Array.isArray(expressions) && expressions.every((item) => typeof item === 'string'))) return `${which}: "expressions" must be a list of CEL strings.`;
    if (!Array.isArray(actions) || actions.length === 0) return `${which} has no "actions" list.`;
    const badAction = actions.findIndex((action) => typeof action !== 'object' || action === null || typeof (action as { type?: unknown }).type !== 'string');
    if (badAction !== -1) return `${which}, action ${badAction + 1} needs a "type" (e.g. "add-headers").`;
  }
  return undefined;
}

/** Where `"key":` first appears; good enough to point at a top-level phase. */
function keyOffset(source: string, key: string): number {
  const match = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`).exec(source);
  return match?.index ?? 0;
}

function position(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
