/** Results and plain-words messages shared by the schemes, so every provider explains a failure the same way. */
import type { VerdictReason } from './provider';
import type { CheckResult, VerifyContext } from './scheme';

export function pass(detail?: string): CheckResult {
  return detail === undefined ? { ok: true } : { ok: true, detail };
}

export function fail(reason: VerdictReason, message: string): CheckResult {
  return { ok: false, reason, message };
}

/**
 * A signature that doesn't match. HMAC can't tell a changed body from a wrong secret, so the message names both;
 * URL-signing schemes pass their own list of causes.
 */
export function mismatch(what: string, causes = 'the body was changed or the secret is wrong'): CheckResult {
  return fail('bodyChanged', `${what} doesn't match: ${causes}.`);
}

export function malformed(what: string, expected: string, actual: string): CheckResult {
  return fail('malformedSignature', `${what} should look like ${expected}, but is ${quote(actual)}.`);
}

/** A header value for a message: quoted, and cut short so a huge value can't flood the UI. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

/** "45 s", "12 min 5 s", "2 h 5 min", "3 d 4 h". */
export function formatSeconds(total: number): string {
  const seconds = Math.round(total);
  if (seconds < 60) return `${seconds} s`;
  const units: Array<[number, string]> = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, unit] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    } else if (parts.length > 0) break;
  }
  return parts.join(' ');
}

/** Whole Unix seconds as providers write them; anything else (decimals, signs, ISO dates) is malformed. */
export function parseUnixSeconds(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,12}$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** Epoch milliseconds as HubSpot and Linear write them. */
export function parseUnixMillis(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/**
 * Checks a signed timestamp against the tolerance. Both directions count: the reference libraries (Standard
 * Webhooks, Slack, Linear) reject timestamps too far in the future as well as too old.
 * `label` names what carried it, e.g. `X-Slack-Request-Timestamp 1531420618`.
 */
export function checkFreshness(label: string, signedAtMs: number, context: VerifyContext): CheckResult | undefined {
  const tolerance = context.toleranceSeconds;
  if (tolerance === undefined) return undefined;
  const ageSeconds = (context.nowMs - signedAtMs) / 1000;
  const over = Math.abs(ageSeconds) - tolerance;
  if (over <= 0) return undefined;
  const how = ageSeconds > 0 ? 'old' : 'in the future (is this clock right?)';
  return fail(
    'timestampOutOfTolerance',
    `The timestamp (${label}) is ${formatSeconds(Math.abs(ageSeconds))} ${how}: ${formatSeconds(Math.ceil(over))} outside the ` +
      `${formatSeconds(tolerance)} tolerance. The signature itself matches; replay with re-signing to send a fresh timestamp.`,
  );
}

/** A timestamped signature's result: a mismatch wins over staleness (it is the bigger problem), the message names both. */
export function judgeTimestamped(matches: boolean, what: string, freshness: CheckResult | undefined): CheckResult {
  if (!matches) {
    const result = mismatch(what);
    if (freshness === undefined || result.ok) return result;
    return fail(result.reason, `${result.message} Its timestamp is also outside the tolerance.`);
  }
  return freshness ?? pass(`${what} matches.`);
}
