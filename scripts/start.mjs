// `npm start`: try the extension from this clone in a real VS Code, offline, in your browser.
//   1. installs the offline VS Code once (code-server from the npm registry, cached in ~/.cache/webhook-tunnel)
//   2. builds the extension (node scripts/build.mjs)
//   3. starts the sample webhook receiver (sample/webhook-receiver/server.mjs) on http://localhost:3000
//   4. starts VS Code on http://127.0.0.1:8080 with this extension loaded, on sample/workspace
// Ctrl+C stops everything.
//
//   npm start [-- --watch] [-- --dev-host] [-- --no-build]
//     --watch     rebuild on every change (then run "Developer: Reload Window" in the browser)
//     --dev-host  load the extension as an extension under development (URL payload) instead of installing it
//                 into the server's extensions folder; notification toasts then do not show (smoke-test driver)
//     --no-build  skip step 2
//   Environment: PORT (VS Code, 8080), HOST (bind address, 127.0.0.1), RECEIVER_PORT (3000),
//                WEBHOOK_SECRET (the receiver's HMAC secret, default "It's a Secret to Everybody")
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onExit, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { ensureVsCodeServer } from './vscodeServer.mjs';
import { createReceiver, DEFAULT_SECRET } from '../sample/webhook-receiver/server.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const valueOf = (name) => {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
};
for (let i = 0; i < argv.length; i++) {
  if (['--watch', '--dev-host', '--no-build'].includes(argv[i])) continue;
  if (argv[i] === '--extension-development-path') {
    i++;
    continue;
  }
  console.error(`Unknown argument ${argv[i]}. Usage: npm start [-- --watch] [-- --dev-host] [-- --no-build]`);
  process.exit(2);
}

const extensionPath = resolve(valueOf('--extension-development-path') ?? repoRoot);
const workspace = join(repoRoot, 'sample', 'workspace');
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const receiverPort = Number(process.env.RECEIVER_PORT ?? 3000);
const devHost = flag('--dev-host');

let shuttingDown = false;
onExit({ async: async () => (shuttingDown = true), sync: () => (shuttingDown = true) });

const step = (n, text) => console.log(`\n[start] ${n}/4 ${text}`);
const fail = (text) => {
  console.error(`\n[start] ${text}`);
  process.exit(1);
};

function portIsFree(portToCheck, hostToCheck) {
  return new Promise((resolveFree) => {
    const probe = createServer();
    probe.once('error', () => resolveFree(false));
    probe.listen(portToCheck, hostToCheck, () => probe.close(() => resolveFree(true)));
  });
}

// 1. The offline VS Code.
step(1, 'Offline VS Code (code-server from the npm registry; the first run installs it, ~3 minutes)…');
const { entry } = ensureVsCodeServer();
console.log(`[start]     ${entry}`);

// 2. Build.
if (flag('--no-build')) {
  step(2, 'Build skipped (--no-build).');
} else if (flag('--watch')) {
  step(2, 'Building, and rebuilding on every change (--watch)…');
  const watcher = spawn(process.execPath, ['scripts/build.mjs', '--watch'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  onExit({
    async: async () => {
      try {
        process.kill(-watcher.pid, 'SIGTERM');
      } catch {
        // gone
      }
    },
    sync: () => {
      try {
        process.kill(-watcher.pid, 'SIGTERM');
      } catch {
        // gone
      }
    },
  });
  // Give the first build a head start so VS Code finds dist/extension.js.
  await new Promise((r) => setTimeout(r, 3000));
} else {
  step(2, 'Building (node scripts/build.mjs)…');
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) fail('The build failed; fix the errors above and run npm start again.');
}

// 3. The sample webhook receiver, in this process.
step(3, `Sample webhook receiver on http://localhost:${receiverPort}…`);
const receiver = createReceiver({
  secret: process.env.WEBHOOK_SECRET ?? DEFAULT_SECRET,
  log: (line) => console.log(`[receiver] ${line}`),
});
const receiverStarted = await new Promise((resolveStarted) => {
  receiver.once('error', (error) => {
    console.log(`[start]     could not listen on ${receiverPort} (${error.code ?? error.message}); ` +
      'whatever already listens there will get the webhooks. Set RECEIVER_PORT to use another port, and change ' +
      '"webhookTunnel.upstream" in sample/workspace/.vscode/settings.json to match.');
    resolveStarted(false);
  });
  receiver.listen(receiverPort, () => resolveStarted(true));
});
if (receiverStarted) {
  console.log(`[start]     secret: ${process.env.WEBHOOK_SECRET ? 'from WEBHOOK_SECRET' : JSON.stringify(DEFAULT_SECRET)}`);
  onExit({ async: () => new Promise((r) => receiver.close(() => r())), sync: () => receiver.close() });
  if (receiverPort !== 3000) {
    console.log('[start]     note: sample/workspace/.vscode/settings.json sends webhooks to http://localhost:3000; change "webhookTunnel.upstream" to match.');
  }
}

// 3b. ngrok, or the local edge when there is no authtoken (no account needed to try the extension).
// The extension's own lookup (built in step 2), minus VS Code's secret storage, which only exists in VS Code.
const { findAuthtoken } = await import('../out/src/core/tunnel/authtoken.js');
const realToken = (await findAuthtoken({ fromSecretStorage: async () => undefined, env: process.env, platform: process.platform, home: homedir() }))?.where;
const vscodeSettings = {};
const vscodeEnv = {};
if (realToken) {
  console.log(`[start]     ngrok authtoken found (${realToken}): Start Tunnel opens a real public ngrok URL.`);
} else {
  const { LocalEdge } = await import('../out/test/edge/localEdge.js');
  const caPath = join(mkdtempSync(join(tmpdir(), 'wt-start-edge-')), 'local-edge-ca.pem');
  const edge = await LocalEdge.start({ caPath, reachableUrls: true, publicPort: Number(process.env.EDGE_PUBLIC_PORT ?? 0) });
  onExit({ async: () => edge.close(), sync: () => rmSync(dirname(caPath), { recursive: true, force: true }) });
  Object.assign(vscodeSettings, { 'webhookTunnel.ngrok.serverAddr': edge.serverAddr, 'webhookTunnel.ngrok.caCertificate': caPath });
  // Any token does for the local edge; a real one set later in VS Code would be sent to it, never to ngrok.
  vscodeEnv.NGROK_AUTHTOKEN = 'local-edge-no-account-needed';
  console.log(`[start]     no ngrok authtoken found: using the LOCAL ngrok-compatible test edge (NOT ngrok) at ${edge.serverAddr}.`);
  console.log(`[start]     public URLs look like http://<name>.localhost:${edge.publicPort} and work from this machine only.`);
  console.log('[start]     For a real public URL: export NGROK_AUTHTOKEN=<your token> and run npm start again.');
}

// 4. VS Code.
step(4, `VS Code on http://${host}:${port}…`);
if (!(await portIsFree(port, host))) fail(`Port ${port} is in use. Stop whatever uses it or run PORT=<another port> npm start.`);
let extensionsDir;
if (!devHost) {
  // Installed as a regular extension: a link in a fresh extensions folder to this clone. Unlike the URL payload
  // (--dev-host), this needs no smoke-test driver, so the workbench shows notification toasts as usual.
  const manifest = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8'));
  extensionsDir = mkdtempSync(join(tmpdir(), 'wt-start-extensions-'));
  symlinkSync(extensionPath, join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
  onExit({ async: async () => rmSync(extensionsDir, { recursive: true, force: true }), sync: () => rmSync(extensionsDir, { recursive: true, force: true }) });
}
let server;
try {
  server = await startCodeServer({ port, host, extensionsDir, smokeTestDriver: devHost, workspace, settings: vscodeSettings, env: vscodeEnv });
} catch (error) {
  fail(`VS Code did not start: ${error instanceof Error ? error.message : error}`);
}
const url = devHost ? workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: extensionPath }) : workbenchUrl(server, { folder: workspace });
server.exited.then(({ code, signal }) => shuttingDown || fail(`VS Code (code-server) stopped unexpectedly (${signal ?? `exit code ${code}`}):\n${server.output().slice(-4000)}`));

console.log(`
────────────────────────────────────────────────────────────────────────────
 Webhook Tunnel is running in VS Code. Open this in your browser:

   ${url}

 Then:
   1. Open the command palette (F1) and run "Webhook Tunnel: Start Tunnel".
   2. Send a webhook to the address the status bar shows (click it to copy);
      it is forwarded to the
      sample receiver (http://localhost:${receiverPort}) and listed in the Webhook
      Tunnel view of the activity bar, where you can inspect and replay it.
   sample/workspace/README.md (open in that window) has a signed curl example.
${flag('--watch') ? '\n After editing the code, run "Developer: Reload Window" in the browser.\n' : '\n After changing the code, stop with Ctrl+C and run npm start again\n (or use npm start -- --watch and "Developer: Reload Window").\n'}
 Webhooks the receiver gets are logged below. Ctrl+C stops everything.
────────────────────────────────────────────────────────────────────────────
`);
