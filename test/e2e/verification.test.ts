import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { openWorkbench, recordFailure, repoRoot, showHistoryView, startLocalTunnel, verifyWebhooksFrom } from './workbench';
import type { Workbench } from './workbench';

const secret = "It's a Secret to Everybody";
const payload = readFileSync(join(repoRoot, 'test', 'unit', 'signatures', 'fixtures', 'github-webhooks', 'push-payload.json'));

function post(url: string, body: Buffer, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': 'e2e-1', 'X-Hub-Signature-256': signature };
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(body);
  });
}

describe('UI: Verify Webhooks From… and the signature verdict in the tree', function () {
  this.timeout(180_000);
  const screenshots = join(repoRoot, 'test-results');
  let receiver: Server;
  let workbench: Workbench;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    // The sample app checks X-Hub-Signature-256 itself, as a real receiver would.
    const { createReceiver } = (await import(join(repoRoot, 'sample', 'webhook-receiver', 'server.mjs'))) as { createReceiver(options: { secret: string; log: () => void }): Server };
    receiver = createReceiver({ secret, log: () => undefined });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    workbench = await openWorkbench({ 'webhookTunnel.upstream': `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`, 'webhookTunnel.publicUrl': false });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await recordFailure(workbench, join(screenshots, `failed-verify-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}.png`));
  });

  after(async () => {
    await workbench?.close();
    receiver?.close();
  });

  it('picks GitHub by name, takes the secret in a password box, and marks a signed push valid and a forged one invalid', async () => {
    const { page } = workbench;
    assert.equal(await verifyWebhooksFrom(page, 'GitHub', secret), 'password');

    const address = await startLocalTunnel(page);

    const good = `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
    assert.equal(await post(`${address}/webhooks/github`, payload, good), 200);
    await showHistoryView(page);
    await page.locator('.monaco-list-row', { hasText: 'github push ✓ valid' }).waitFor({ timeout: 15_000 });

    assert.equal(await post(`${address}/webhooks/github-forged`, Buffer.concat([payload, Buffer.from(' ')]), good), 401);
    const forged = page.locator('.monaco-list-row', { hasText: 'POST /webhooks/github-forged' });
    await forged.waitFor({ timeout: 15_000 });
    await page.locator('.monaco-list-row', { hasText: 'github push ✗ invalid signature' }).waitFor({ timeout: 15_000 });
    await forged.hover();
    await page.locator('.monaco-hover', { hasText: /doesn.t match/ }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(screenshots, 'ui-verdicts.png') });
  });

  it('replays an edited push: re-signed, the sample receiver accepts it; with the old signature, it rejects it and the tree says why', async () => {
    const { page } = workbench;
    await page.locator('.monaco-list-row', { hasText: 'github push ✓ valid' }).first().click();
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await panel.locator('h1.url', { hasText: '/webhooks/github' }).waitFor({ timeout: 30_000 });
    await panel.locator('button.tab', { hasText: 'Replay With Modifications' }).click();
    const edited = JSON.stringify({ ...JSON.parse(payload.toString()), ref: 'refs/heads/release' });
    await panel.locator('textarea.body-input').fill(edited);
    assert.equal(await panel.locator('input[name="signature"][value="resign"]').isChecked(), true, 're-sign is the default once the body changed');
    await panel.locator('button.primary', { hasText: 'Send' }).click();
    const result = panel.locator('section.result');
    await result.locator('.verdict-valid', { hasText: 'Valid GitHub signature' }).waitFor({ timeout: 30_000 });
    assert.match((await result.textContent()) ?? '', /200 OK/, "the receiver's own X-Hub-Signature-256 check accepted it");

    await panel.locator('input[name="signature"][value="keep"]').check();
    await panel.locator('button.primary', { hasText: 'Send' }).click();
    await result.filter({ hasText: '401' }).waitFor({ timeout: 30_000 });
    const rejected = page.locator('.monaco-list-row', { hasText: /↻ replay · 401 · github push ✗ invalid signature/ });
    await rejected.waitFor({ timeout: 15_000 });
    await rejected.hover();
    await page.locator('.monaco-hover', { hasText: /Signature invalid \(github\).*doesn.t match/ }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(screenshots, 'ui-replay-rejected.png') });
    // The secret signs in the extension host; it never reaches the webview.
    assert.doesNotMatch((await panel.locator('body').innerHTML()) ?? '', new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });
});
