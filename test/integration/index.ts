// The extension-host side of the integration suite. VS Code loads this module (extensionTestsPath) inside the
// extension host, with the extension under development loaded, and calls run(). Used by both runners:
// scripts/runInVsCode.mjs (offline, code-server + chromium) and test/runElectron.ts (@vscode/test-electron).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Mocha from 'mocha';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'webhooktunnel.webhook-tunnel';

type MochaConstructor = typeof Mocha;

function loadMocha(): MochaConstructor {
  // Mocha 12 is an ES module package; Node >= 20.19 (and the Node 24 extension host) can require() it. Older
  // extension hosts (Electron builds on Node < 20.19) cannot, so fall back to its CommonJS build.
  let loaded: { default?: MochaConstructor } & MochaConstructor;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('mocha');
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('mocha/lib/mocha.cjs');
  }
  return loaded.default ?? loaded;
}

function testFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...testFilesUnder(path));
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`The extension under test (${EXTENSION_ID}) is not loaded in this VS Code.`);
  try {
    await extension.activate();
  } catch (error) {
    // Keep going: the activation test reports it as a failure, next to whatever else still works.
    console.error(`Activating ${EXTENSION_ID} failed:`, error);
  }

  const MochaClass = loadMocha();
  const mocha = new MochaClass({
    ui: 'bdd',
    timeout: 60_000,
    color: false,
    // 'spec' writes with console.log, which the extension host forwards to the runner (codeAutomationLog offline,
    // the terminal with @vscode/test-electron).
    reporter: 'spec',
    grep: process.env.WEBHOOK_TUNNEL_TEST_GREP || undefined,
  });
  const files = testFilesUnder(__dirname);
  if (files.length === 0) throw new Error(`No *.test.js files under ${__dirname}; run node scripts/build.mjs first.`);
  for (const file of files) mocha.addFile(file);

  const failures = await new Promise<number>((resolve, reject) => {
    try {
      mocha.run(resolve);
    } catch (error) {
      reject(error);
    }
  });
  if (failures > 0) throw new Error(`${failures} integration test${failures === 1 ? '' : 's'} failed.`);
}
