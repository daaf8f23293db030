// The PACKAGED extension in a real VS Code: the VSIX is installed with `code-server --install-extension` into a fresh
// extensions folder, and code-server runs without any development payload (no extensionDevelopmentPath, no smoke-test
// driver), so what runs is exactly what a user installs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { LocalEdge } from '../edge/localEdge';
import { runCommand, showHistoryView, startPublicTunnel, statusItem } from '../e2e/workbench';
import { publicRequest } from '../unit/edge/sdkHarness';
import { packageTarget, repoRoot, version } from './packaging';

/** The typed face of scripts/codeServer.mjs and scripts/vscodeServer.mjs (plain ESM). */
interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly userDataDir: string;
  stop(): Promise<void>;
  output(): string;
}
interface CodeServerModule {
  startCodeServer(options: { settings?: Record<string, unknown>; env?: Record<string, string>; extensionsDir?: string; smokeTestDriver?: boolean }): Promise<CodeServer>;
  workbenchUrl(server: { url: string; port: number }, target: { folder?: string }): string;
  launchBrowser(options?: { viewport?: { width: number; height: number } }): Promise<BrowserContext>;
}
interface VsCodeServerModule {
  ensureVsCodeServer(): { nodeBin: string; entry: string };
}

/* eslint-disable @typescript-eslint/no-require-imports */
const codeServer = require(join(repoRoot, 'scripts', 'codeServer.mjs')) as CodeServerModule;
const vscodeServer = require(join(repoRoot, 'scripts', 'vscodeServer.mjs')) as VsCodeServerModule;
/* eslint-enable @typescript-eslint/no-require-imports */

const screenshots = join(repoRoot, 'test-results');
const extensionFolder = `webhooktunnel.webhook-tunnel-${version}`;

/** `code-server --install-extension <vsix> --extensions-dir <dir>`; resolves with the installed extension's folder. */
function installVsix(vsix: string, extensionsDir: string): Promise<string> {
  const { nodeBin, entry } = vscodeServer.ensureVsCodeServer();
  const scratch = mkdtempSync(join(tmpdir(), 'wt-install-'));
  // An empty config file: without --config, code-server writes a default one (with a password) to ~/.config.
  writeFileSync(join(scratch, 'config.yaml'), '');
  const args = [entry, '--config', join(scratch, 'config.yaml'), '--user-data-dir', join(scratch, 'user-data'), '--extensions-dir', extensionsDir, '--install-extension', vsix];
  return new Promise((resolve, reject) => {
    execFile(nodeBin, args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, EXTENSIONS_GALLERY: '{}' } }, (error, stdout, stderr) => {
      rmSync(scratch, { recursive: true, force: true });
      const installed = join(extensionsDir, extensionFolder);
      if (error || !/successfully installed/.test(stdout) || !existsSync(join(installed, 'package.json'))) {
        reject(new Error(`installing ${vsix} failed: ${error?.message ?? ''}\n${stdout}\n${stderr}`));
      } else {
        resolve(installed);
      }
    });
  });
}

interface InstalledWorkbench {
  readonly page: Page;
  readonly server: CodeServer;
  /** The workspace folder (a throw-away copy of test/fixtures/workspace). */
  readonly folder: string;
  close(): Promise<void>;
}

/** code-server with only the extensions in `extensionsDir`, on a fresh copy of the fixture workspace, in chromium. */
async function openInstalled(extensionsDir: string, settings: Record<string, unknown>, env: Record<string, string>): Promise<InstalledWorkbench> {
  const folder = join(mkdtempSync(join(tmpdir(), 'wt-package-ws-')), 'workspace');
  cpSync(join(repoRoot, 'test', 'fixtures', 'workspace'), folder, { recursive: true });
  const server = await codeServer.startCodeServer({ extensionsDir, settings, env, smokeTestDriver: false });
  let browser: BrowserContext | undefined;
  try {
    browser = await codeServer.launchBrowser({ viewport: { width: 1400, height: 900 } });
    const page = browser.pages()[0] ?? (await browser.newPage());
    const url = codeServer.workbenchUrl(server, { folder });
    assert.doesNotMatch(url, /payload=|extensionDevelopmentPath/, 'no development payload');
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor();
    const opened = browser;
    return {
      page,
      server,
      folder,
      close: async () => {
        await opened.close();
        await server.stop();
        rmSync(join(folder, '..'), { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    await server.stop();
    throw error;
  }
}

function startDevServer(): Promise<{ url: string; close(): void }> {
  const devServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}'));
  });
  return new Promise((resolve) =>
    devServer.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(devServer.address() as AddressInfo).port}`, close: () => devServer.close() })),
  );
}

/**
 * The installed extension in a workbench pointed at a fresh local edge (its CA in `scratch`) and a dev server,
 * with an authtoken in the environment: what both smoke suites start from. `close` stops all three.
 */
async function openWithLocalEdge(scratch: string, extensionsDir: string): Promise<{ edge: LocalEdge; workbench: InstalledWorkbench; close(): Promise<void> }> {
  const caPath = join(scratch, 'ca.pem');
  const edge = await LocalEdge.start({ caPath, reachableUrls: true });
  const devServer = await startDevServer();
  const stopServers = async (): Promise<void> => {
    await edge.close();
    devServer.close();
  };
  try {
    const workbench = await openInstalled(
      extensionsDir,
      { 'webhookTunnel.upstream': devServer.url, 'webhookTunnel.ngrok.serverAddr': edge.serverAddr, 'webhookTunnel.ngrok.caCertificate': caPath },
      { NGROK_AUTHTOKEN: 'package-smoke-token' },
    );
    return {
      edge,
      workbench,
      close: async () => {
        await workbench.close();
        await stopServers();
      },
    };
  } catch (error) {
    await stopServers();
    throw error;
  }
}

async function screenshotOnFailure(test: Mocha.Test | undefined, page: Page | undefined, prefix: string): Promise<void> {
  if (test?.state !== 'failed' || !page) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${prefix}-${test.title.slice(0, 40).replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
}

describe('package smoke: the linux-x64 VSIX installed into VS Code, tunnel through the local edge', function () {
  this.timeout(240_000);
  const scratch = mkdtempSync(join(tmpdir(), 'wt-package-smoke-'));
  let edge: LocalEdge;
  let close: (() => Promise<void>) | undefined;
  let installed: string;
  let workbench: InstalledWorkbench;

  before(async () => {
    const { vsix } = await packageTarget('linux-x64');
    const extensionsDir = join(scratch, 'extensions');
    installed = await installVsix(vsix, extensionsDir);
    ({ edge, workbench, close } = await openWithLocalEdge(scratch, extensionsDir));
  });

  afterEach(async function () {
    await screenshotOnFailure(this.currentTest, workbench?.page, 'failed-package-smoke');
  });

  after(async () => {
    await close?.();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('is installed from the VSIX: bundles and the one native package, no sources', () => {
    assert.deepEqual(readdirSync(join(installed, 'node_modules', '@ngrok')).sort(), ['ngrok', 'ngrok-linux-x64-gnu']);
    assert.ok(existsSync(join(installed, 'dist', 'extension.js')));
    for (const absent of ['src', 'test', 'out', 'tsconfig.json', 'dist/extension.js.map']) assert.ok(!existsSync(join(installed, absent)), `${absent} is not installed`);
  });

  it('Start Tunnel from the palette goes public through the edge; a POST to the public URL shows up in the tree', async () => {
    const { page } = workbench;
    const shown = await startPublicTunnel(page);
    assert.equal(new URL(edge.tunnels()[0]!.url).host, shown);

    const response = await publicRequest(`http://${shown}/webhooks/packaged`, { method: 'POST', rawHeaders: ['Content-Type', 'application/json'], body: Buffer.from('{"from":"the packaged VSIX"}') });
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), '{"received":true}');
    await showHistoryView(page);
    await page.locator('.monaco-list-row', { hasText: 'POST /webhooks/packaged' }).waitFor({ timeout: 15_000 });
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'package-smoke-linux-x64.png') });
  });
});

describe('package smoke: a VSIX for another platform (darwin-arm64) on linux-x64 explains itself, local capture still works', function () {
  this.timeout(240_000);
  const scratch = mkdtempSync(join(tmpdir(), 'wt-package-wrong-'));
  let edge: LocalEdge;
  let close: (() => Promise<void>) | undefined;
  let workbench: InstalledWorkbench;
  let installedFrom = 'the darwin-arm64 VSIX';

  before(async () => {
    const extensionsDir = join(scratch, 'extensions');
    let installed: string;
    try {
      installed = await installVsix((await packageTarget('darwin-arm64')).vsix, extensionsDir);
    } catch (error) {
      // VS Code may refuse a VSIX for another target; then the same state is made by hand: the linux-x64 VSIX with its
      // native package replaced by the darwin-arm64 one.
      console.log(`      VS Code refused the darwin-arm64 VSIX (${error instanceof Error ? error.message.split('\n')[0] : error}); simulating it`);
      rmSync(extensionsDir, { recursive: true, force: true });
      installed = await installVsix((await packageTarget('linux-x64')).vsix, extensionsDir);
      const darwin = await packageTarget('darwin-arm64');
      rmSync(join(installed, 'node_modules', '@ngrok', 'ngrok-linux-x64-gnu'), { recursive: true, force: true });
      cpSync(join(darwin.stagingDir, 'node_modules', '@ngrok', 'ngrok-darwin-arm64'), join(installed, 'node_modules', '@ngrok', 'ngrok-darwin-arm64'), { recursive: true });
      installedFrom = 'the linux-x64 VSIX with the darwin-arm64 native package';
    }
    assert.deepEqual(readdirSync(join(installed, 'node_modules', '@ngrok')).sort(), ['ngrok', 'ngrok-darwin-arm64'], installedFrom);
    ({ edge, workbench, close } = await openWithLocalEdge(scratch, extensionsDir));
  });

  afterEach(async function () {
    await screenshotOnFailure(this.currentTest, workbench?.page, 'failed-package-wrong-platform');
  });

  after(async () => {
    await close?.();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('Start Tunnel with a token: one error naming the platform and the build to install; the edge never hears from it', async () => {
    const { page } = workbench;
    await runCommand(page, 'Webhook Tunnel: Start Tunnel');
    // No smoke-test driver here, so the error shows as a toast, as users see it.
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: /native module/ });
    await toast.first().waitFor({ timeout: 30_000 });
    assert.equal(await toast.count(), 1, 'one message');
    const message = (await toast.locator('.notification-list-item-message').textContent()) ?? '';
    assert.match(message, /linux-x64/, `names the platform: ${message}`);
    assert.match(message, /Webhook Tunnel build for linux-x64|webhook-tunnel-linux-x64-[\d.]+\.vsix/, `names what to install: ${message}`);
    assert.match(message, /Local capture keeps working/);
    await page.locator(statusItem).filter({ hasText: /Tunnel: error/ }).waitFor({ timeout: 10_000 });
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'package-wrong-platform.png') });
    assert.deepEqual(edge.sessions(), [], 'no session reached the edge');
    await toast.locator('.codicon-notifications-clear').click().catch(() => undefined);
  });

  it('with publicUrl off, Start Tunnel captures locally and the call shows up in the tree', async () => {
    const { page, folder } = workbench;
    // Workspace settings, as a user would turn it off for one project; the workbench watches the file.
    writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'webhookTunnel.capture.port': 0, 'webhookTunnel.publicUrl': false }, null, 2));
    const status = page.locator(statusItem);
    // The workbench picks the settings change up within a moment; until then Start Tunnel still tries ngrok.
    const deadline = Date.now() + 30_000;
    for (;;) {
      await runCommand(page, 'Webhook Tunnel: Start Tunnel');
      try {
        await status.filter({ hasText: /127\.0\.0\.1:\d+/ }).waitFor({ timeout: 5_000 });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
    const address = /(127\.0\.0\.1:\d+)/.exec((await status.textContent()) ?? '')![1]!;
    const response = await fetch(`http://${address}/webhooks/local-only`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"local":true}' });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '{"received":true}');
    await showHistoryView(page);
    await page.locator('.monaco-list-row', { hasText: 'POST /webhooks/local-only' }).waitFor({ timeout: 15_000 });
  });
});
