import { createHmac, randomUUID } from 'node:crypto';

/**
 * A GitHub-push-like JSON body of exactly `size` bytes: real structure (nested objects, many short strings)
 * rather than one long filler string, so JSON-aware or string-heavy recorders pay what they would in practice.
 */
export function webhookBody(size: number): Buffer {
  const commits: object[] = [];
  const build = (pad: string): string =>
    JSON.stringify({
      ref: 'refs/heads/main',
      before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      after: '76ae82c7b1a177c8d03f9e96e0adf2466113728f',
      repository: { id: 1296269, full_name: 'octocat/Hello-World', private: false, owner: { login: 'octocat', id: 1 } },
      pusher: { name: 'octocat', email: 'octocat@github.com' },
      commits,
      pad,
    });
  for (let i = 0; build('').length < size - 300; i++) {
    commits.push({
      id: `${i.toString(16).padStart(8, '0')}b1a177c8d03f9e96e0adf2466113728f`,
      message: `Fix the flux capacitor, part ${i}`,
      timestamp: '2024-05-01T12:00:00Z',
      author: { name: 'Monalisa Octocat', email: 'mona@github.com', username: 'mona' },
      added: [`src/module${i}.ts`],
      removed: [],
      modified: ['README.md'],
    });
  }
  const bare = build('');
  if (bare.length > size) throw new Error(`Cannot build a ${size}-byte body; the skeleton alone is ${bare.length} bytes.`);
  const body = Buffer.from(build('x'.repeat(size - bare.length)));
  if (body.length !== size) throw new Error(`Built a ${body.length}-byte body instead of ${size}.`);
  return body;
}

/** Headers a webhook sender typically adds; the capture proxy records them all, so they are part of the cost. */
export function webhookHeaders(body: Buffer): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
    'User-Agent': 'GitHub-Hookshot/bench',
    Accept: '*/*',
    'X-GitHub-Event': 'push',
    'X-GitHub-Delivery': randomUUID(),
    'X-GitHub-Hook-ID': '292430182',
    'X-Hub-Signature-256': `sha256=${createHmac('sha256', 'bench-secret').update(body).digest('hex')}`,
  };
}
