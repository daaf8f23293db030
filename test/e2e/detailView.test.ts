import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, repoRoot, runCommand, showHistoryView, startLocalTunnel, verifyWebhooksFrom } from './workbench';
import type { Workbench } from './workbench';

function post(url: string, headers: Record<string, string | string[]>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** The panel's editor tab (VS Code names webview tabs after their view type). */
const panelTab = '.tabs-container .tab[data-resource-name^="webview-webhookTunnel.exchange"]';

/** The panel's page: VS Code nests each webview's content in an inner frame. */
function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

describe('UI: the detail/replay panel opened from the history', function () {
  this.timeout(240_000);
  const screenshots = join(repoRoot, 'test-results');
  const secret = "It's a Secret to Everybody";
  const received: { url: string; body: string; signature?: string | undefined }[] = [];
  const devServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const signature = req.headers['x-hub-signature-256'];
      received.push({ url: req.url ?? '', body: Buffer.concat(chunks).toString(), ...(typeof signature === 'string' ? { signature } : {}) });
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Request-Count': String(received.length) }).end('{"received":true}');
    });
  });
  let workbench: Workbench;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    await new Promise<void>((resolve) => devServer.listen(0, '127.0.0.1', resolve));
    workbench = await openWorkbench({ 'webhookTunnel.upstream': `http://127.0.0.1:${(devServer.address() as AddressInfo).port}`, 'webhookTunnel.publicUrl': false });
    const { page } = workbench;
    const address = await startLocalTunnel(page);
    const push = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'octo/hello' }, commits: [{ id: 'c0ffee', message: 'Fix the flux capacitor' }] });
    const signature = `sha256=${createHmac('sha256', secret).update(push).digest('hex')}`;
    const headers = { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', 'X-Hub-Signature-256': signature, 'X-Trace': ['one', 'two'] };
    assert.equal(await post(`${address}/webhooks/github?delivery=1`, headers, push), 200);
    assert.equal(await post(`${address}/webhooks/form`, { 'Content-Type': 'application/x-www-form-urlencoded' }, 'event=order.created&id=42&note=hello+world'), 200);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.page.screenshot({ path: join(screenshots, `failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}.png`) });
  });

  after(async () => {
    await workbench?.close();
    devServer.close();
  });

  it('shows request and response side by side, with headers in order, the JSON body and the verdict', async () => {
    const { page } = workbench;
    await showHistoryView(page);
    await page.locator('.monaco-list-row', { hasText: 'POST /webhooks/github' }).first().click();
    const panel = panelFrame(page);
    await panel.locator('h1.url', { hasText: '/webhooks/github?delivery=1' }).waitFor({ timeout: 30_000 });
    await page.locator(panelTab, { hasText: 'POST /webhooks/github' }).waitFor();

    assert.equal(await panel.locator('.summary .status').textContent(), '200 OK');
    assert.match((await panel.locator('.summary .chip').textContent()) ?? '', /GitHub · push/);
    assert.match((await panel.locator('.summary .verdict').textContent()) ?? '', /signature/i);
    const request = panel.locator('section.pane[aria-label="Request"]');
    const names = await request.locator('table.pairs th').allTextContents();
    const traces = names.map((name, i) => [name, i] as const).filter(([name]) => name === 'X-Trace');
    assert.equal(traces.length, 2, `duplicates kept: ${names.join(', ')}`);
    assert.ok(names.indexOf('X-GitHub-Event') < names.indexOf('X-Hub-Signature-256'), 'raw order kept');
    assert.match((await request.locator('pre.code.json').textContent()) ?? '', /"full_name": "octo\/hello"/);
    assert.match((await panel.locator('section.pane[aria-label="Response"] pre.code').textContent()) ?? '', /"received": true/);
    await page.screenshot({ path: join(screenshots, 'ui-detail.png') });

    await request.locator('button.toggle', { hasText: 'Hex' }).click();
    assert.match((await request.locator('pre.code.hex').textContent()) ?? '', /^00000000 {2}7b 22 72 65 66 22/);
  });

  it('retargets the same panel when another call is opened', async () => {
    const { page } = workbench;
    await page.locator('.monaco-list-row', { hasText: 'POST /webhooks/form' }).first().click();
    const panel = panelFrame(page);
    await panel.locator('h1.url', { hasText: '/webhooks/form' }).waitFor({ timeout: 15_000 });
    await page.locator(panelTab, { hasText: 'POST /webhooks/form' }).waitFor();
    assert.equal(await page.locator('.tabs-container .tab').count(), 1, 'one panel, reused');
    const fields = await panel.locator('section.pane[aria-label="Request"] table.pairs').last().locator('td').allTextContents();
    assert.deepEqual(fields, ['order.created', '42', 'hello world']);
    assert.match((await panel.locator('.summary .verdict').textContent()) ?? '', /Unsigned/);
  });

  it('replays with modifications and shows the result, the new exchange and a comparison', async () => {
    const { page } = workbench;
    const panel = panelFrame(page);
    await panel.locator('button.tab', { hasText: 'Replay With Modifications' }).click();
    await panel.locator('.header-name').first().waitFor();
    assert.equal(await panel.locator('.url-input').inputValue(), '/webhooks/form');
    await panel.locator('.url-input').fill('/webhooks/form?replayed=1');
    await panel.locator('textarea.body-input').fill('event=order.updated&id=42');
    await panel.locator('button', { hasText: 'Add Header' }).click();
    await panel.locator('.header-name').last().fill('X-Replay-Test');
    await panel.locator('.header-value').last().fill('yes');
    const before = received.length;
    await panel.locator('button.primary', { hasText: 'Send' }).click();
    const result = panel.locator('section.result');
    await result.locator('.status', { hasText: '200' }).waitFor({ timeout: 30_000 });
    assert.equal(received.length, before + 1);
    assert.deepEqual(received.at(-1), { url: '/webhooks/form?replayed=1', body: 'event=order.updated&id=42' });
    await result.locator('table.pairs th', { hasText: 'X-Request-Count' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'ui-replay.png') });

    await result.locator('.recorded button.link').click();
    await panel.locator('.replay-of').waitFor({ timeout: 15_000 });
    assert.match((await panel.locator('h1.url').textContent()) ?? '', /\/webhooks\/form\?replayed=1/);
    assert.ok(await panel.locator('section.pane[aria-label="Request"] table.pairs th', { hasText: 'X-Replay-Test' }).count());
    await panel.locator('.replay-of button', { hasText: 'Compare With Original' }).click();
    await page.locator('.tabs-container .tab', { hasText: /Original ↔ Replay/ }).waitFor({ timeout: 15_000 });
  });

  it('restores the panel, its tab and the draft after a window reload', async () => {
    const { page } = workbench;
    // Back to the hidden panel: its page reloads and asks for the exchange again.
    await page.locator(panelTab).click();
    let panel = panelFrame(page);
    await panel.locator('.replay-of button.link').click({ timeout: 30_000 });
    await panel.locator('h1.url', { hasText: /^\/webhooks\/form$/ }).waitFor({ timeout: 15_000 });
    await panel.locator('button.tab', { hasText: 'Replay With Modifications' }).click();
    await panel.locator('textarea.body-input').fill('event=order.deleted&id=42');
    await page.waitForTimeout(500);

    // Reload Window (not a browser reload): the workbench saves editor and webview state on the way out, as desktop VS Code does.
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForEvent('load', { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    panel = panelFrame(page);
    await page.locator(panelTab, { hasText: 'POST /webhooks/form' }).click({ timeout: 60_000 });
    await panel.locator('h1.url', { hasText: /^\/webhooks\/form$/ }).waitFor({ timeout: 60_000 });
    assert.equal(await panel.locator('button.tab[aria-selected="true"]').textContent(), 'Replay With Modifications');
    assert.equal(await panel.locator('textarea.body-input').inputValue(), 'event=order.deleted&id=42');
  });

  it('verifies with the secret set through Verify Webhooks From…, and re-signs an edited replay', async () => {
    const { page } = workbench;
    // The reload stopped the tunnel; replays go through its capture proxy.
    await startLocalTunnel(page);
    await verifyWebhooksFrom(page, 'GitHub', secret);

    await showHistoryView(page);
    const panel = panelFrame(page);
    // The command stores the secret a moment after the input box closes; opening the call again re-verifies it
    // (by way of another row: a click on the selected row runs no command).
    for (let attempt = 0; ; attempt++) {
      await page.locator('.monaco-list-row', { hasText: 'POST /webhooks/form' }).first().click();
      await panel.locator('h1.url', { hasText: '/webhooks/form' }).waitFor({ timeout: 15_000 });
      await page.locator('.monaco-list-row', { hasText: 'POST /webhooks/github' }).first().click();
      await panel.locator('h1.url', { hasText: '/webhooks/github?delivery=1' }).waitFor({ timeout: 15_000 });
      try {
        await panel.locator('.summary .verdict-valid', { hasText: 'Valid GitHub signature' }).waitFor({ timeout: 2000 });
        break;
      } catch (error) {
        if (attempt === 7) throw error;
      }
    }

    await panel.locator('button.tab', { hasText: 'Replay With Modifications' }).click();
    const resign = panel.locator('input[name="signature"][value="resign"]');
    assert.equal(await resign.isChecked(), false, 'nothing changed yet: keep the captured signature');
    await panel.locator('textarea.body-input').fill('{"ref":"refs/heads/release","commits":[]}');
    assert.equal(await resign.isChecked(), true, 'the body changed and the secret is known: re-sign');
    await panel.locator('button.primary', { hasText: 'Send' }).click();
    const result = panel.locator('section.result');
    await result.locator('.verdict-valid', { hasText: 'Valid GitHub signature' }).waitFor({ timeout: 30_000 });
    const last = received.at(-1)!;
    assert.equal(last.body, '{"ref":"refs/heads/release","commits":[]}');
    assert.equal(last.signature, `sha256=${createHmac('sha256', secret).update(last.body).digest('hex')}`);
    await page.screenshot({ path: join(screenshots, 'ui-resign.png') });
  });
});
