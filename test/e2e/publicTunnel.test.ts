import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEdge } from '../edge/localEdge';
import { publicRequest } from '../unit/edge/sdkHarness';
import { openQuickInput, openWorkbench, publicHostShown, recordFailure, repoRoot, runCommand, showHistoryView, startPublicTunnel, statusItem, statusTooltip } from './workbench';
import type { Workbench } from './workbench';

describe('UI: Start Tunnel through the local ngrok-compatible edge, as npm start runs it', function () {
  this.timeout(180_000);
  const screenshots = join(repoRoot, 'test-results');
  const devServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}'));
  });
  let edge: LocalEdge;
  let workbench: Workbench;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    const caPath = join(mkdtempSync(join(tmpdir(), 'wt-e2e-edge-')), 'ca.pem');
    edge = await LocalEdge.start({ caPath, reachableUrls: true });
    await new Promise<void>((resolve) => devServer.listen(0, '127.0.0.1', resolve));
    workbench = await openWorkbench(
      {
        'webhookTunnel.upstream': `http://127.0.0.1:${(devServer.address() as AddressInfo).port}`,
        'webhookTunnel.ngrok.serverAddr': edge.serverAddr,
        'webhookTunnel.ngrok.caCertificate': caPath,
      },
      { NGROK_AUTHTOKEN: 'e2e-token' },
    );
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await recordFailure(workbench, join(screenshots, `failed-public-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}.png`));
  });

  after(async () => {
    await workbench?.close();
    await edge?.close();
    devServer.close();
  });

  it('shows the public URL in the status bar with a tooltip naming the local edge, and the webhook in the tree', async () => {
    const { page } = workbench;
    const shown = await startPublicTunnel(page);
    assert.equal(new URL(edge.tunnels()[0]!.url).host, shown);

    const response = await publicRequest(`http://${shown}/webhooks/github`, { method: 'POST', rawHeaders: ['Content-Type', 'application/json', 'X-GitHub-Event', 'ping'], body: Buffer.from('{"zen":"Speak like a human."}') });
    assert.equal(response.status, 200);
    await showHistoryView(page);
    const row = page.locator('.monaco-list-row', { hasText: 'POST /webhooks/github' });
    await row.waitFor({ timeout: 15_000 });

    await page.locator(statusItem).hover();
    const tooltip = page.locator('.monaco-hover', { hasText: 'LOCAL test edge' });
    await tooltip.waitFor({ timeout: 10_000 });
    const text = (await tooltip.textContent()) ?? '';
    assert.match(text, /Authtoken from: \$NGROK_AUTHTOKEN/);
    assert.match(text, /Forwarding to: http:\/\/127\.0\.0\.1:\d+/);
    assert.doesNotMatch(text, /e2e-token/, 'the token itself is never shown');
    await page.screenshot({ path: join(screenshots, 'ui-public-tunnel.png') });
  });

  it('toggles basic auth from the palette: the status bar tooltip and the edge both change', async () => {
    const { page } = workbench;
    const shown = await publicHostShown(page);
    await openQuickInput(page, 'Webhook Tunnel: Toggle Basic Auth', 'Basic Auth (1/2): user name');
    const input = page.locator('.quick-input-widget input');
    await page.keyboard.press('Enter'); // keeps the suggested user, "dev"
    await page.locator('.quick-input-widget', { hasText: 'password' }).waitFor();
    assert.equal(await input.getAttribute('type'), 'password');
    await input.fill('short');
    await page.locator('.quick-input-widget', { hasText: 'ngrok needs 8–128 characters' }).waitFor();
    await input.fill('correct-horse-battery');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });

    await statusTooltip(page, 'Protections: basic auth (dev)');
    await page.screenshot({ path: join(screenshots, 'ui-basic-auth.png') });
    assert.equal((await publicRequest(`http://${shown}/webhooks/github`, { method: 'POST', body: Buffer.from('{}') })).status, 401);
    const auth = `Basic ${Buffer.from('dev:correct-horse-battery').toString('base64')}`;
    assert.equal((await publicRequest(`http://${shown}/webhooks/github`, { method: 'POST', rawHeaders: ['Authorization', auth], body: Buffer.from('{}') })).status, 200);

    await runCommand(page, 'Webhook Tunnel: Toggle Basic Auth');
    await statusTooltip(page, 'No protections');
    await page.mouse.move(700, 400);
  });

  it('leaves no listener behind when the window reloads', async () => {
    const { page } = workbench;
    assert.ok(edge.tunnels().some((t) => t.state === 'online'));
    const unbindsBefore = edge.records.unbinds.length;
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // deactivate() closes the listener (Unbind) before the extension host goes away.
    const deadline = Date.now() + 20_000;
    while (edge.tunnels().some((t) => t.state === 'online') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(edge.tunnels().filter((t) => t.state === 'online'), []);
    assert.ok(edge.records.unbinds.length > unbindsBefore, 'the reload unbound the endpoint');
  });

  it('starts again after the reload and stops from the view title: the edge sees Unbind and the status bar goes back to off', async () => {
    const { page } = workbench;
    await startPublicTunnel(page);
    await showHistoryView(page);
    const unbindsBefore = edge.records.unbinds.length;
    await page.locator('.part.sidebar .composite.title .action-label[aria-label="Stop Tunnel"]').click();
    await page.locator(statusItem).filter({ hasText: 'Webhook Tunnel' }).waitFor({ timeout: 15_000 });
    assert.ok(edge.records.unbinds.length > unbindsBefore);
    assert.deepEqual(edge.tunnels().filter((t) => t.state === 'online'), []);
  });
});
