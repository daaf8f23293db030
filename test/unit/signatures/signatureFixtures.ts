// Shared builders for the signature tests: requests as the capture proxy records them, a fixed clock, and the
// real GitHub payloads copied from octokit/webhooks (see fixtures/github-webhooks/README.md).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SignedParts, SignedRequest } from '../../../src/core/signatures/provider';

/** A fixed "now" (2026-01-15T12:00:00Z) so timestamps and tolerances are deterministic. */
export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

export function request(init: { method?: string; url?: string; rawHeaders?: string[]; body?: string | Buffer; publicUrl?: string }): SignedRequest {
  const body = typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : (init.body ?? Buffer.alloc(0));
  return {
    method: init.method ?? 'POST',
    url: init.url ?? '/webhook',
    rawHeaders: init.rawHeaders ?? ['Host', 'localhost:3000', 'Content-Type', 'application/json', 'Content-Length', String(body.length)],
    body,
    ...(init.publicUrl === undefined ? {} : { publicUrl: init.publicUrl }),
  };
}

/** The request a replay would send after `sign`. */
export function asSent(original: SignedRequest, parts: SignedParts): SignedRequest {
  return { ...original, rawHeaders: parts.rawHeaders, body: parts.body, url: parts.url };
}

export interface GithubFixture {
  readonly file: string;
  /** The X-GitHub-Event value: the file name up to the first dash. */
  readonly event: string;
  readonly body: Buffer;
}

// Tests run from out/test/unit/signatures; the JSON stays in the source tree (the build only transpiles .ts).
const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'signatures', 'fixtures', 'github-webhooks');

export function githubFixtures(): GithubFixture[] {
  return readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({ file, event: file.split('-')[0]!, body: readFileSync(join(FIXTURES, file)) }));
}

/** Headers in the order and case GitHub sends them (from a real delivery), signatures left for `sign` to add. */
export function githubHeaders(event: string, body: Buffer): string[] {
  return [
    'Host', 'hooks.example.ngrok.app',
    'User-Agent', 'GitHub-Hookshot/044aadd',
    'Content-Length', String(body.length),
    'Accept', '*/*',
    'Content-Type', 'application/json',
    'X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'X-GitHub-Event', event,
    'X-GitHub-Hook-ID', '292430182',
    'X-GitHub-Hook-Installation-Target-ID', '79929171',
    'X-GitHub-Hook-Installation-Target-Type', 'repository',
  ];
}
