import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** The typed face of scripts/codeServer.mjs (plain ESM, shared with npm start). */
interface CodeServerModule {
  startCodeServer(options?: { settings?: Record<string, unknown>; env?: Record<string, string> }): Promise<{ url: string; port: number; userDataDir: string; stop(): Promise<void>; output(): string }>;
  workbenchUrl(server: { url: string; port: number }, target: { folder?: string; extensionDevelopmentPath?: string }): string;
  launchBrowser(options?: { viewport?: { width: number; height: number } }): Promise<BrowserContext>;
}

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const statusItem = '[id="webhooktunnel.webhook-tunnel.webhookTunnel.status"]';

export interface Workbench {
  readonly page: Page;
  readonly url: string;
  /** The extension's log ("Webhook Tunnel" output channel) as the extension host wrote it so far. */
  extensionLog(): string;
  close(): Promise<void>;
}

/** The newest `Webhook Tunnel.log` under a user-data folder's logs (the extension host writes output channels there). */
function readExtensionLog(userDataDir: string): string {
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return '(no logs folder)';
  const found = (readdirSync(logs, { recursive: true }) as string[]).filter((name) => name.endsWith('Webhook Tunnel.log')).map((name) => join(logs, name));
  const newest = found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  return newest ? readFileSync(newest, 'utf8') : '(no Webhook Tunnel log)';
}

/** A real VS Code workbench in Chromium with the extension under development on a fresh copy of the fixture workspace. */
export async function openWorkbench(settings: Record<string, unknown>, env: Record<string, string> = {}): Promise<Workbench> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const codeServer = require(join(repoRoot, 'scripts', 'codeServer.mjs')) as CodeServerModule;
  const folder = join(mkdtempSync(join(tmpdir(), 'wt-e2e-')), 'workspace');
  cpSync(join(repoRoot, 'test', 'fixtures', 'workspace'), folder, { recursive: true });
  const server = await codeServer.startCodeServer({ settings, env });
  const browser = await codeServer.launchBrowser({ viewport: { width: 1400, height: 900 } });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const url = codeServer.workbenchUrl(server, { folder, extensionDevelopmentPath: repoRoot });
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.statusbar').waitFor();
  return {
    page,
    url,
    extensionLog: () => readExtensionLog(server.userDataDir),
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

/**
 * Runs a command by its palette title, as a user would: F1, type, Enter. The palette lists what is registered
 * when it opens, and an extension under development registers a moment after the workbench appears, so retry.
 * Enter runs the focused row, and the palette filters a moment after typing (before that, the focused row is the
 * most recently used command), so wait until the command's own row has the focus.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 3000 });
      await page.keyboard.press('Enter');
      return;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw error;
    }
  }
}

/** Opens the Webhook Tunnel side bar through its "View: Show …" command, which (unlike a click on the icon) never toggles it closed. */
export async function showHistoryView(page: Page): Promise<void> {
  await runCommand(page, 'View: Show Webhook Tunnel');
  // The container holds one view, so VS Code shows its title in the side bar's title bar, not a pane header.
  await page.locator('.part.sidebar .composite.title', { hasText: /Webhook Tunnel/i }).waitFor();
}

/** For a red run: a screenshot, plus the extension log and the status bar tooltip (it carries the tunnel's error reason) in the test output. */
export async function recordFailure(workbench: Workbench, path: string): Promise<void> {
  const { page } = workbench;
  await page.screenshot({ path });
  console.log(`    extension log at failure (last lines):\n${workbench.extensionLog().trimEnd().split('\n').slice(-12).map((line) => `      ${line}`).join('\n')}`);
  try {
    await page.locator(statusItem).hover({ timeout: 5000 });
    const tooltip = await page.locator('.monaco-hover').last().textContent({ timeout: 5000 });
    console.log(`    status bar tooltip at failure: ${tooltip ?? '(none)'}`);
  } catch {
    console.log('    (no status bar tooltip to show)');
  }
}

/** Hovers the status bar item until its tooltip shows `text` (the hover has a delay and keeps a stale widget a moment). */
export async function statusTooltip(page: Page, text: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.mouse.move(700, 400);
    await page.waitForTimeout(300);
    await page.locator(statusItem).hover();
    const hover = page.locator('.monaco-hover', { hasText: text });
    try {
      await hover.waitFor({ timeout: 3000 });
      return (await hover.textContent()) ?? '';
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

const PUBLIC_HOST = /([a-f0-9]+\.localhost:\d+)/;

/** Runs Start Tunnel from the palette and returns the public `<name>.localhost:<port>` once the status bar shows it. */
export async function startPublicTunnel(page: Page): Promise<string> {
  await runCommand(page, 'Webhook Tunnel: Start Tunnel');
  const status = page.locator(statusItem);
  await status.filter({ hasText: PUBLIC_HOST }).waitFor({ timeout: 30_000 });
  return publicHostShown(page);
}

/** The public `<name>.localhost:<port>` the status bar shows now. */
export async function publicHostShown(page: Page): Promise<string> {
  return PUBLIC_HOST.exec((await page.locator(statusItem).textContent()) ?? '')![1]!;
}

const LOCAL_ADDRESS = /127\.0\.0\.1:\d+/;

/** Runs Start Tunnel from the palette (local mode) and returns the capture proxy's `http://127.0.0.1:<port>` once shown. */
export async function startLocalTunnel(page: Page): Promise<string> {
  await runCommand(page, 'Webhook Tunnel: Start Tunnel');
  const status = page.locator(statusItem);
  await status.filter({ hasText: LOCAL_ADDRESS }).waitFor({ timeout: 30_000 });
  return `http://${(LOCAL_ADDRESS.exec((await status.textContent()) ?? '') ?? [''])[0]}`;
}

/**
 * Runs a palette command that opens a quick input (picker or input box) titled `title`, and resolves once that box,
 * not the palette's own (still on screen a moment after Enter), takes input. If it has not shown within 10 s, says
 * what the quick input holds and runs the command once more: one CI run saw the palette close and nothing open.
 */
export async function openQuickInput(page: Page, command: string, title: string): Promise<void> {
  const box = page.locator('.quick-input-widget .quick-input-title', { hasText: title });
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, command);
    try {
      await box.waitFor({ timeout: 10_000 });
      return;
    } catch (error) {
      if (attempt === 2) throw error;
      const widget = page.locator('.quick-input-widget');
      const shown = (await widget.isVisible()) ? `showing "${(await widget.locator('.quick-input-title').textContent()) ?? ''}"` : 'hidden';
      console.log(`    (no "${title}" box 10 s after running ${command}; the quick input was ${shown}; running it again)`);
    }
  }
}

/**
 * Verify Webhooks From… → `provider` picked by name → `secret` typed into the secret box. Resolves once the box has
 * closed (the secret is taken; a click or key before that would cancel it), with the box's input type.
 */
export async function verifyWebhooksFrom(page: Page, provider: string, secret: string): Promise<string | null> {
  await openQuickInput(page, 'Webhook Tunnel: Verify Webhooks From…', 'Verify Webhooks From…');
  const input = page.locator('.quick-input-widget input');
  await input.fill(provider.toLowerCase());
  await page.locator('.quick-input-list .monaco-list-row', { hasText: provider }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: `${provider} webhook secret` }).waitFor();
  const inputType = await input.getAttribute('type');
  await input.fill(secret);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  return inputType;
}
