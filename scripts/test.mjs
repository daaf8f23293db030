// `npm test`: everything CI checks, in order, stopping at the first failure.
//   (a) the offline VS Code is installed   (b) build   (c) type-check   (d) lint
//   (e) unit tests (mocha, plain Node)    (f) integration tests in VS Code's extension host
//   (g) UI tests (mocha + Playwright, out/test/e2e), when there are any
//   (h) package tests (out/test/package): VSIXs built by scripts/package.mjs, checked, installed into VS Code
// The last line is always "N passed, N failed" (mocha tests, summed over the steps that ran).
//
//   npm test [-- --unit] [-- --integration] [-- --e2e] [-- --package]   one or more parts only (each with the build it needs)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION, ensureVsCodeServer, paths } from './vscodeServer.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const known = ['--unit', '--integration', '--e2e', '--package'];
for (const arg of args) {
  if (!known.includes(arg)) {
    console.error(`Unknown argument ${arg}. Usage: npm test [-- ${known.join('] [-- ')}]`);
    process.exit(2);
  }
}
const only = new Set(args.map((arg) => arg.slice(2)));
const all = only.size === 0;
const wants = (part) => all || only.has(part);

const totals = { passed: 0, failed: 0 };
const started = Date.now();

function say(text) {
  console.log(`\n[test] ${text}`);
}

function finish(code, failedStep) {
  if (failedStep) console.log(`\n[test] FAILED at ${failedStep} (after ${seconds(started)}).`);
  else console.log(`\n[test] All steps passed in ${seconds(started)}.`);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exit(code);
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function testFilesUnder(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...testFilesUnder(path));
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Runs a command from the repo root with node_modules/.bin on PATH, streaming its output; with `countTests`, adds the
 * mocha spec reporter's "N passing" / "N failing" summary lines to the totals. Resolves with the exit code.
 */
let current = null;

function run(command, commandArgs, { countTests = false } = {}) {
  return new Promise((resolveCode) => {
    const child = (current = spawn(command, commandArgs, {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PATH: `${join(repoRoot, 'node_modules', '.bin')}${delimiter}${process.env.PATH}`,
        ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}),
      },
    }));
    let pending = '';
    const scan = (text) => {
      if (!countTests) return;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) count(line);
    };
    const count = (line) => {
      const plain = line.replace(ANSI, '');
      let match;
      if ((match = /^\s*(\d+) passing \(/.exec(plain))) totals.passed += Number(match[1]);
      else if ((match = /^\s*(\d+) failing\s*$/.exec(plain))) totals.failed += Number(match[1]);
    };
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      scan(chunk.toString('utf8'));
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    child.on('error', (error) => {
      console.error(`[test] could not run ${command}: ${error.message}`);
      resolveCode(127);
    });
    child.on('close', (code, signal) => {
      current = null;
      if (pending) count(pending);
      resolveCode(code ?? (signal ? 128 : 1));
    });
  });
}

async function step(label, command, commandArgs, options) {
  say(`${label}: ${[command === process.execPath ? 'node' : command, ...commandArgs].join(' ')}`);
  const since = Date.now();
  const code = await run(command, commandArgs, options);
  if (code !== 0) finish(code, label);
  console.log(`[test] ${label}: ok (${seconds(since)})`);
}

// Stop the step in progress on Ctrl+C or a CI timeout: pass the signal on and let it clean up (runInVsCode stops the
// VS Code server and the browser it started), then exit.
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15]]) {
  process.on(signal, () => {
    console.log(`\n[test] interrupted (${signal})`);
    const exit = () => {
      console.log(`${totals.passed} passed, ${totals.failed} failed`);
      process.exit(128 + number);
    };
    if (!current || current.exitCode !== null) exit();
    current.once('close', exit);
    current.kill(signal);
    setTimeout(exit, 10_000).unref();
  });
}

const needsVsCode = wants('integration') || wants('e2e') || wants('package');
say(`Running ${all ? 'every step' : [...only].join(', ')} in ${repoRoot}`);

if (needsVsCode) {
  const installed = existsSync(paths.nodeBin) && existsSync(join(paths.serverDir, '.complete'));
  say(`(a) offline VS Code: code-server ${CODE_SERVER_VERSION} from the npm registry${installed ? '' : ' (installing it once into ~/.cache/webhook-tunnel, ~3 minutes)'}…`);
  const since = Date.now();
  try {
    const { entry } = ensureVsCodeServer();
    console.log(`[test] (a) offline VS Code: ok, ${entry} (${seconds(since)})`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    finish(1, '(a) offline VS Code');
  }
}

await step('(b) build', process.execPath, ['scripts/build.mjs']);

if (all) {
  await step('(c) type-check', 'tsc', ['--noEmit', '-p', '.']);
  await step('(c) type-check webview', 'tsc', ['--noEmit', '-p', 'webview-ui']);
  await step('(d) lint', 'eslint', ['src', 'webview-ui/src', 'test', 'scripts']);
}

if (wants('unit')) {
  if (testFilesUnder(join(repoRoot, 'out', 'test', 'unit')).length === 0) say('(e) unit tests: none in test/unit, skipped');
  else await step('(e) unit tests', 'mocha', ['--config', '.mocharc.json'], { countTests: true });
}

if (wants('integration')) {
  await step('(f) integration tests in VS Code', process.execPath, ['scripts/runInVsCode.mjs'], { countTests: true });
}

if (wants('e2e')) {
  if (testFilesUnder(join(repoRoot, 'out', 'test', 'e2e')).length === 0) say('(g) UI tests: none in test/e2e, skipped');
  else await step('(g) UI tests', 'mocha', ['--no-config', '--reporter', 'spec', '--timeout', '180000', 'out/test/e2e/**/*.test.js'], { countTests: true });
}

// ~50 s: three VSIXs (other platforms' native packages come from the npm registry once, then from
// ~/.cache/webhook-tunnel/npm-pack), and two workbenches running the installed VSIX.
if (wants('package')) {
  await step('(h) package tests', 'mocha', ['--no-config', '--reporter', 'spec', '--timeout', '300000', 'out/test/package/**/*.test.js'], { countTests: true });
}

finish(0);
