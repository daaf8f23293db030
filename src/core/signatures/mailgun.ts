/**
 * Mailgun puts its signature in the body, not a header: hex HMAC-SHA256 (HTTP webhook signing key) of
 * `timestamp + token`. JSON webhooks nest it as `"signature": {"timestamp", "token", "signature"}`; legacy and route
 * webhooks send the three as form fields. The event data is NOT covered, so edits to it can't be detected, and
 * re-signing rewrites those three values in place (a fresh token too: receivers are told to reject reused tokens).
 */
import { randomBytes } from 'node:crypto';
import { checkFreshness, fail, malformed, parseUnixSeconds, pass } from './checks';
import { decodeHex, hmac, sameBytes } from './digest';
import { objectMembers, parseJson, replaceSpans } from './jsonMembers';
import type { SignedParts, SignedRequest } from './provider';
import { mediaType } from './rawHeaders';
import type { Scheme } from './scheme';
import { SignFailure } from './scheme';

const FIELDS = ['timestamp', 'token', 'signature'] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;

interface Located {
  readonly values: Values;
  /** Where the values were found, for messages. */
  readonly where: string;
  write(values: Values): Buffer;
}

function locateJson(body: Buffer): Located | undefined {
  const outer = objectMembers(body)?.get('signature');
  const inner = outer === undefined ? undefined : objectMembers(body, outer.start);
  if (inner === undefined) return undefined;
  const raw = new Map(FIELDS.map((field) => [field, inner.get(field)]));
  const values: Partial<Values> = {};
  const numeric = new Set<Field>();
  for (const field of FIELDS) {
    const span = raw.get(field);
    const value = span === undefined ? undefined : parseJson(body, span);
    if (typeof value === 'number') numeric.add(field);
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    values[field] = String(value);
  }
  return {
    values: values as Values,
    where: 'the body\'s "signature" object',
    // A number stays a number so the receiver's parser sees the same types as before.
    write: (next) => replaceSpans(body, FIELDS.map((field) => ({ span: raw.get(field)!, json: numeric.has(field) ? next[field] : JSON.stringify(next[field]) }))),
  };
}

function locateForm(body: Buffer): Located | undefined {
  const pairs = body.toString('utf8').split('&');
  const indexOf = (field: Field) => pairs.findIndex((pair) => pair.split('=')[0] === field);
  const values: Partial<Values> = {};
  for (const field of FIELDS) {
    const at = indexOf(field);
    if (at < 0) return undefined;
    values[field] = new URLSearchParams(pairs[at]).get(field) ?? '';
  }
  return {
    values: values as Values,
    where: 'the form fields',
    write(next) {
      const edited = [...pairs];
      for (const field of FIELDS) edited[indexOf(field)] = `${field}=${encodeURIComponent(next[field])}`;
      return Buffer.from(edited.join('&'), 'utf8');
    },
  };
}

function locate(request: SignedRequest): Located | undefined {
  const type = mediaType(request.rawHeaders);
  if (type === 'application/x-www-form-urlencoded') return locateForm(request.body);
  return locateJson(request.body);
}

const digestOf = (key: string, values: Pick<Values, 'timestamp' | 'token'>) => hmac('sha256', key, values.timestamp, values.token);

export const mailgunScheme: Scheme = {
  headers: [],
  signatureHeaders: [],
  coversBody: true,
  isSigned: (request) => locate(request) !== undefined,
  missingMessage(request) {
    if (mediaType(request.rawHeaders) === 'multipart/form-data') return 'Mailgun multipart (route) bodies aren\'t read here; only JSON and form-encoded webhooks.';
    return 'No Mailgun signature in the body: expected a "signature" object with timestamp, token and signature (JSON) or those three form fields.';
  },
  checkSecret: (secret) => (secret.length === 0 ? 'The signing key is empty.' : undefined),

  verify(request, secret, context) {
    const found = locate(request)!;
    const { values } = found;
    const seconds = parseUnixSeconds(values.timestamp);
    if (seconds === undefined) return malformed(`The timestamp in ${found.where}`, 'Unix seconds', values.timestamp);
    const digest = decodeHex(values.signature);
    if (digest?.length !== 32) return malformed(`The signature in ${found.where}`, '<64 hex digits>', values.signature);
    if (!sameBytes(digest, digestOf(secret, values))) {
      return fail('bodyChanged', `The Mailgun signature doesn't match its timestamp and token: they were changed or the signing key is wrong.`);
    }
    return (
      checkFreshness(`timestamp ${seconds} in ${found.where}`, seconds * 1000, context) ??
      pass('The Mailgun signature matches. Mailgun signs only the timestamp and token, not the event data, so changes to the rest of the body go unnoticed.')
    );
  },

  sign(request, secret, context): SignedParts {
    const found = locate(request);
    if (found === undefined) throw new SignFailure('noSignatureField', mailgunScheme.missingMessage(request));
    const timestamp = String(Math.floor(context.nowMs / 1000));
    const token = randomBytes(25).toString('hex'); // 50 hex characters, like Mailgun's own tokens
    const signature = digestOf(secret, { timestamp, token }).toString('hex');
    return { rawHeaders: [...request.rawHeaders], body: found.write({ timestamp, token, signature }), url: request.url };
  },
};
