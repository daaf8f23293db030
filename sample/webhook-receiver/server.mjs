// A tiny webhook receiver to point the tunnel at: it accepts POSTs on any path, checks GitHub-style
// `X-Hub-Signature-256` signatures (HMAC-SHA256 of the raw body) when present, and answers
//   { "ok": true|false, "event": "<name>", "signature": "valid" | "invalid" | "absent" }
// (401 when the signature is invalid). One log line per webhook.
//
//   node sample/webhook-receiver/server.mjs          PORT=3000, WEBHOOK_SECRET="It's a Secret to Everybody"
//
// Try it:
//   body='{"zen":"Keep it logically awesome."}'
//   sig="sha256=$(printf %s "$body" | openssl dgst -sha256 -hmac "It's a Secret to Everybody" | sed 's/^.* //')"
//   curl -s localhost:3000/webhooks -H 'X-GitHub-Event: ping' -H "X-Hub-Signature-256: $sig" -d "$body"
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_SECRET = "It's a Secret to Everybody";

/** 'valid' | 'invalid' | 'absent' for a raw body and its X-Hub-Signature-256 header. */
export function checkSignature(body, header, secret) {
  if (header === undefined || header === '') return 'absent';
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(String(header).trim());
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'invalid';
}

/** Names the event from the usual sender headers, else a JSON body's `type` (Stripe) or `event` field. */
function eventName(headers, body) {
  const fromHeader = headers['x-github-event'] ?? headers['x-gitlab-event'] ?? headers['x-event-type'] ?? headers['x-webhook-event'];
  if (fromHeader) return String(fromHeader);
  try {
    const json = JSON.parse(body.toString('utf8'));
    if (json && typeof json === 'object') {
      if (typeof json.type === 'string') return json.type;
      if (typeof json.event === 'string') return json.event;
    }
  } catch {
    // not JSON
  }
  return 'unknown';
}

/**
 * @param {{ secret?: string, log?: (line: string) => void }} [options]
 * @returns {import('node:http').Server}
 */
export function createReceiver(options = {}) {
  const secret = options.secret ?? DEFAULT_SECRET;
  const log = options.log ?? ((line) => console.log(line));
  return createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const send = (status, payload) => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(`${JSON.stringify(payload)}\n`);
      };
      if (request.method !== 'POST') {
        send(request.method === 'GET' || request.method === 'HEAD' ? 200 : 405, {
          ok: request.method === 'GET' || request.method === 'HEAD',
          message: 'Webhook receiver: POST webhooks to any path.',
        });
        return;
      }
      const body = Buffer.concat(chunks);
      const signature = checkSignature(body, request.headers['x-hub-signature-256'], secret);
      const event = eventName(request.headers, body);
      const ok = signature !== 'invalid';
      const status = ok ? 200 : 401;
      send(status, { ok, event, signature });
      log(`${new Date().toISOString()} POST ${request.url} event=${event} signature=${signature} bytes=${body.length} -> ${status}`);
    });
    request.on('error', () => response.destroy());
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  const secretFromEnv = process.env.WEBHOOK_SECRET;
  const server = createReceiver({ secret: secretFromEnv ?? DEFAULT_SECRET });
  server.listen(port, () => {
    console.log(`Webhook receiver listening on http://localhost:${port} (secret ${secretFromEnv ? 'from WEBHOOK_SECRET' : `"${DEFAULT_SECRET}"`})`);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
}
