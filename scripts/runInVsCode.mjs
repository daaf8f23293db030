// Runs the integration suite (out/test/integration/index.js, a mocha suite) inside the extension host of a real
// VS Code: the offline VS Code server (code-server) driven by headless chromium. Build first (node scripts/build.mjs).
//
//   node scripts/runInVsCode.mjs [--grep <pattern>] [--timeout <seconds>] [--extension-development-path <dir>] [--verbose]
//
// Exit code: the suite's (0 all passed, 1 failures or a run that could not complete).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { interruptedBy, launchBrowser, startCodeServer, workbenchUrl } from './codeServer.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {object} [options]
 * @param {string} [options.extensionDevelopmentPath] default: the repo root
 * @param {string} [options.extensionTestsPath]       default: <repo>/out/test/integration/index.js
 * @param {string} [options.folder]                   workspace to open; default: <repo>/test/fixtures/workspace
 * @param {number} [options.timeoutMs]                hard limit for the whole run; default 5 minutes
 * @param {string} [options.grep]                     only tests whose full title matches (mocha --grep)
 * @param {boolean} [options.verbose]                 also print workbench logs and browser console errors
 * @param {(line: string) => void} [options.log]      where test output goes; default: stdout
 * @returns {Promise<number>} the suite's exit code
 */
export async function runIntegrationTests(options = {}) {
  const extensionDevelopmentPath = resolve(options.extensionDevelopmentPath ?? repoRoot);
  const extensionTestsPath = resolve(options.extensionTestsPath ?? join(repoRoot, 'out', 'test', 'integration', 'index.js'));
  const folder = resolve(options.folder ?? join(repoRoot, 'test', 'fixtures', 'workspace'));
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const verbose = options.verbose ?? false;

  for (const [what, path] of [['extension tests', extensionTestsPath], ['workspace', folder], ['extension', join(extensionDevelopmentPath, 'package.json')]]) {
    if (!existsSync(path)) throw new Error(`The ${what} ${path} does not exist${what === 'extension tests' ? '; run node scripts/build.mjs first' : ''}.`);
  }

  const started = Date.now();
  let server;
  let context;
  let timer;
  try {
    server = await startCodeServer({ env: options.grep ? { WEBHOOK_TUNNEL_TEST_GREP: options.grep } : undefined });
    context = await launchBrowser();
    const page = context.pages()[0] ?? (await context.newPage());

    const result = new Promise((resolveCode, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`The integration tests did not finish within ${Math.round(timeoutMs / 1000)} s (no codeAutomationExit from the workbench). ` +
          'A test may be waiting on UI that never appears, or the extension host failed to start; rerun with --verbose.'));
      }, timeoutMs);
      page.on('crash', () => reject(new Error('The browser page running the workbench crashed.')));
      page.on('close', () => reject(new Error('The browser page running the workbench closed before the tests finished.')));
      page.exposeFunction('codeAutomationExit', (code) => resolveCode(Number(code) || 0)).catch(reject);
    });
    let finished = false;
    result.then(() => (finished = true), () => (finished = true));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      if (finished && !verbose) return; // the workbench's shutdown chatter
      const text = format(...(Array.isArray(args) ? args : [args]));
      // The smoke-test driver also routes the workbench's own log here; keep only the extension host's output
      // (the mocha reporter, console.* from tests) unless asked for everything.
      if (verbose || !isWorkbenchNoise(text)) log(text);
    });
    if (verbose) {
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') log(`[browser ${message.type()}] ${message.text()}`);
      });
      page.on('pageerror', (error) => log(`[browser pageerror] ${error.message}`));
    }

    await page.goto(workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath }));
    const code = await result;
    if (verbose) log(`[runInVsCode] exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return code;
  } catch (error) {
    if (interruptedBy()) throw new Error(`interrupted (${interruptedBy()})`);
    if (verbose && server) log(`[runInVsCode] code-server output:\n${server.output()}`);
    throw error;
  } finally {
    clearTimeout(timer);
    await context?.close().catch(() => {});
    await server?.stop();
  }
}

/**
 * The workbench's own log lines that the automation logger carries next to the extension host's console. They all
 * arrive as 'info' with nothing else to tell them apart, so they are recognised by their text.
 */
const WORKBENCH_NOISE = [
  /^\[driver\]/,
  /^Resolving connection token/,
  /^Resolved connection token/,
  /^Creating a socket \(/,
  /^\[reconnection-grace-time\]/,
  /^Ignoring fetching additional builtin extensions/,
  /^Updating additional builtin extensions cache/,
  /^Creation of workbench contribution '.*' took \d+ms/,
  /^\[Service Worker\]/,
  /^\[AgentHost:/,
  /^\[AccountPolicyGate\]/,
  /^No search provider registered for scheme: vscode-remote/,
];
function isWorkbenchNoise(text) {
  // Errors raised in the browser carry stack frames into the workbench bundle; the extension host's are file:// paths.
  if (text.includes('/static/out/vs/code/browser/workbench/')) return true;
  return WORKBENCH_NOISE.some((pattern) => pattern.test(text));
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--grep' || arg === '-g') options.grep = value();
    else if (arg === '--timeout') options.timeoutMs = Number(value()) * 1000;
    else if (arg === '--extension-development-path') options.extensionDevelopmentPath = value();
    else if (arg === '--extension-tests-path') options.extensionTestsPath = value();
    else if (arg === '--folder') options.folder = value();
    else if (arg === '--verbose' || arg === '-v') options.verbose = true;
    else throw new Error(`Unknown argument ${arg}`);
  }
  return options;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const code = await runIntegrationTests(parseArgs(process.argv.slice(2)));
    process.exit(code);
  } catch (error) {
    console.error(`[runInVsCode] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
