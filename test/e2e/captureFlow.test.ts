import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openWorkbench, recordFailure, repoRoot, showHistoryView, startLocalTunnel, statusItem } from './workbench';
import type { Workbench } from './workbench';

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(body);
  });
}

describe('UI: Start Tunnel from the palette, a webhook appears in the tree', function () {
  this.timeout(180_000);
  const screenshots = join(repoRoot, 'test-results');
  const devServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}'));
  });
  let workbench: Workbench;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    await new Promise<void>((resolve) => devServer.listen(0, '127.0.0.1', resolve));
    workbench = await openWorkbench({ 'webhookTunnel.upstream': `http://127.0.0.1:${(devServer.address() as AddressInfo).port}`, 'webhookTunnel.publicUrl': false });
  });

  afterEach(async function () {
    // Left for whoever reads a red CI run: what the workbench showed when the step failed.
    if (this.currentTest?.state === 'failed') await recordFailure(workbench, join(screenshots, `failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}.png`));
  });

  after(async () => {
    await workbench?.close();
    devServer.close();
  });

  it('shows the address in the status bar, lists the POST, copies on click, and keeps the history across a reload', async () => {
    const { page } = workbench;
    const address = await startLocalTunnel(page);

    assert.equal(await post(`${address}/webhooks/github`, JSON.stringify({ ref: 'refs/heads/main', commits: [] })), 200);
    await showHistoryView(page);
    const row = page.locator('.monaco-list-row', { hasText: 'POST /webhooks/github' });
    await row.waitFor({ timeout: 15_000 });
    // The signature verdict needs the body, read from disk after the row first shows: wait for the row's final text.
    await row.filter({ hasText: '200 · github push unsigned · just now' }).waitFor({ timeout: 15_000 });

    await page.locator(statusItem).click();
    await page.locator('.statusbar', { hasText: `Copied ${address}` }).waitFor({ timeout: 10_000 });
    await row.hover();
    await page.screenshot({ path: join(screenshots, 'ui-capture.png') });

    // A window reload restarts the extension host: the history comes back from disk.
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await showHistoryView(page);
    await page.locator('.monaco-list-row', { hasText: 'POST /webhooks/github' }).waitFor({ timeout: 30_000 });
    await page.locator(statusItem).filter({ hasText: 'Webhook Tunnel' }).waitFor({ timeout: 15_000 });
  });

  it('clears the history from the view title after confirming', async () => {
    const { page } = workbench;
    await showHistoryView(page);
    await page.locator('.part.sidebar .composite.title .action-label[aria-label="Clear History"]').click();
    await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Clear History' }).click();
    await page.locator('.welcome-view-content', { hasText: 'No webhooks captured yet' }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(screenshots, 'ui-empty.png') });
  });
});
