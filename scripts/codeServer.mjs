// Starts the offline VS Code (the `code-server` npm package, see scripts/vscodeServer.mjs) and drives it
// with Debian's chromium through playwright-core. Recipe: ../shared/design/offline-vscode.md.
//
//   const server = await startCodeServer();            // { url, port, userDataDir, extensionsDir, stop() }
//   const context = await launchBrowser();             // a playwright BrowserContext
//   const page = context.pages()[0] ?? await context.newPage();
//   await page.goto(workbenchUrl(server, { folder, extensionDevelopmentPath }));
//   ...
//   await context.close(); await server.stop();
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureVsCodeServer } from './vscodeServer.mjs';

/** User settings of the test profile: no welcome pages, tips, telemetry, update checks, trust prompts or AI panels. */
export const QUIET_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.layoutControl.enabled': false,
  'window.commandCenter': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'remote.autoForwardPorts': false,
  'files.hotExit': 'off',
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.fetchOnlinePackageInfo': false,
  'json.schemaDownload.enable': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'terminal.integrated.enablePersistentSessions': false,
  'editor.accessibilitySupport': 'off',
});

/** Flags for Debian's chromium: headless in a container, and no network of its own. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// ---------------------------------------------------------------------------------------------------------------
// Clean-up on exit: every server and browser started here is stopped when this process ends, however it ends.

const cleanups = new Set();
let handlersInstalled = false;
let interrupted = null;

/** The signal this process is stopping on (SIGINT/SIGTERM/SIGHUP), or null. */
export function interruptedBy() {
  return interrupted;
}

function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Last resort: synchronous, so only signals can be sent here.
  process.on('exit', () => {
    for (const cleanup of cleanups) cleanup.sync?.();
  });
  for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
    process.on(signal, () => {
      interrupted ??= signal;
      void runAllCleanups().finally(() => process.exit(128 + number));
    });
  }
}

/** Registers `cleanup` ({ async(): Promise, sync?(): void }) to run on exit; returns an unregister function. */
export function onExit(cleanup) {
  installExitHandlers();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

async function runAllCleanups() {
  const pending = [...cleanups];
  cleanups.clear();
  await Promise.allSettled(pending.map((cleanup) => cleanup.async()));
}

// ---------------------------------------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function isAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** `defaults`, then what a reused profile's file already has, then `extra`. A settings file with comments is left alone. */
function writeSettings(file, defaults, extra) {
  let existing = {};
  if (existsSync(file)) {
    try {
      existing = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return;
    }
  }
  writeFileSync(file, `${JSON.stringify({ ...defaults, ...existing, ...extra }, null, 2)}\n`);
}

/**
 * Starts code-server in its own process group and waits until it answers `/healthz`.
 *
 * @param {object} [options]
 * @param {string} [options.workspace]      folder opened when the URL names none (positional argument)
 * @param {string} [options.userDataDir]    default: a fresh temp dir, removed by stop()
 * @param {string} [options.extensionsDir]  default: a fresh temp dir, removed by stop()
 * @param {number} [options.port]           default: a free port
 * @param {string} [options.host]           default: 127.0.0.1 (use 0.0.0.0 to reach it from another machine)
 * @param {object} [options.settings]       extra settings: in the user settings (merged over QUIET_SETTINGS) and the machine settings
 * @param {string[]} [options.args]         extra code-server arguments
 * @param {boolean} [options.smokeTestDriver] default true: needed for workbenchUrl's payload to be honoured
 * @param {Record<string, string>} [options.env]  extra environment (the extension host inherits it)
 * @param {'pipe'|'inherit'} [options.output]  'pipe' (default) keeps the server's output and shows it only on failure
 * @param {number} [options.startTimeoutMs] default 60000
 * @returns {Promise<{ url: string, port: number, host: string, userDataDir: string, extensionsDir: string,
 *   pid: number, output: () => string, exited: Promise<{ code: number | null, signal: string | null }>,
 *   stop: () => Promise<void> }>}
 */
export async function startCodeServer(options = {}) {
  const { nodeBin, entry } = ensureVsCodeServer();
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const scratch = mkdtempSync(join(tmpdir(), 'wt-code-server-'));
  const userDataDir = options.userDataDir ? resolve(options.userDataDir) : join(scratch, 'user-data');
  const extensionsDir = options.extensionsDir ? resolve(options.extensionsDir) : join(scratch, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeSettings(join(userDataDir, 'User', 'settings.json'), QUIET_SETTINGS, options.settings);
  // The extra settings go to the remote machine's settings too. A code-server window is a remote window, and
  // there VS Code takes machine and machine-overridable settings (webhookTunnel.ngrok.serverAddr and
  // caCertificate) from these, not from the user settings: whether the user settings' values reached the
  // extension host depended on whether they were read before the extension's settings were registered.
  if (options.settings && Object.keys(options.settings).length > 0) writeSettings(join(userDataDir, 'Machine', 'settings.json'), {}, options.settings);
  const config = join(scratch, 'config.yaml');
  writeFileSync(config, '');

  const args = [
    entry,
    '--config', config,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    // Without this a release build silently ignores the URL payload (extensionDevelopmentPath/extensionTestsPath).
    // It also keeps notification toasts from showing (they only reach the notification centre).
    ...(options.smokeTestDriver === false ? [] : ['--vscode-option', 'enable-smoke-test-driver']),
    ...(options.args ?? []),
    ...(options.workspace ? [resolve(options.workspace)] : []),
  ];
  const piped = (options.output ?? 'pipe') === 'pipe';
  const child = spawn(nodeBin, args, {
    detached: true, // own process group, so stop() can end its helpers too
    stdio: ['ignore', piped ? 'pipe' : 'inherit', piped ? 'pipe' : 'inherit'],
    env: { ...process.env, ...options.env, EXTENSIONS_GALLERY: '{}' },
  });
  const pid = child.pid;
  let output = '';
  if (piped) {
    const keep = (chunk) => {
      output += chunk;
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
  }
  let exited = null;
  const exitPromise = new Promise((r) => child.on('exit', (code, signal) => r((exited = { code, signal }))));

  let stopping = null;
  const ownsScratch = () => {
    rmSync(scratch, { recursive: true, force: true });
  };
  const stop = () => {
    stopping ??= (async () => {
      unregister();
      killGroup(pid, 'SIGTERM');
      for (let waited = 0; waited < 5000 && isAlive(pid); waited += 100) await sleep(100);
      if (isAlive(pid)) killGroup(pid, 'SIGKILL');
      await Promise.race([exitPromise, sleep(2000)]);
      ownsScratch();
    })();
    return stopping;
  };
  const unregister = onExit({
    async: stop,
    sync: () => {
      killGroup(pid, 'SIGKILL');
      ownsScratch();
    },
  });

  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited (${exited.signal ?? `code ${exited.code}`}) before answering ${url}/healthz\n${output}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz within ${options.startTimeoutMs ?? 60_000} ms\n${output}`);
    }
    await sleep(150);
  }
  return { url, port, host, userDataDir, extensionsDir, pid, output: () => output, exited: exitPromise, stop };
}

/**
 * The workbench URL that opens `folder` and loads the extension in `extensionDevelopmentPath`; with `extensionTestsPath`,
 * the extension host runs that module's `run()` and reports through window.codeAutomationLog/codeAutomationExit.
 * All paths are absolute paths on the server's machine.
 *
 * @param {{ url: string, port: number }} server
 * @param {{ folder?: string, extensionDevelopmentPath?: string, extensionTestsPath?: string }} target
 */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
  const authority = `vscode-remote://127.0.0.1:${server.port}`;
  const remote = (path) => authority + encodeURI(resolve(path).split('\\').join('/'));
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const query = [];
  if (folder) query.push(`folder=${encodeURIComponent(resolve(folder)).replaceAll('%2F', '/')}`);
  if (payload.length) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${server.url}/${query.length ? `?${query.join('&')}` : ''}`;
}

/**
 * Launches Debian's chromium (never a downloaded browser) with a fresh, throw-away profile.
 * Closing the returned context removes the profile.
 *
 * @param {{ headless?: boolean, viewport?: { width: number, height: number }, args?: string[] }} [options]
 * @returns {Promise<import('playwright-core').BrowserContext>}
 */
export async function launchBrowser(options = {}) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'wt-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: options.headless ?? true,
      viewport: options.viewport ?? { width: 1400, height: 900 },
      args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const removeProfile = () => {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {
      // chromium still writing; it is a temp dir
    }
  };
  const unregister = onExit({ async: () => context.close().catch(() => {}), sync: removeProfile });
  const close = context.close.bind(context);
  context.close = async (...args) => {
    try {
      await close(...args);
    } finally {
      unregister();
      removeProfile();
    }
  };
  context.on('close', unregister);
  return context;
}
