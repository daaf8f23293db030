// Builds platform-specific VSIX packages: production bundles plus the one `@ngrok/ngrok-*` native package the
// target needs, staged in a clean tree and packed there by `vsce package --target <t>`. There is no universal VSIX.
//
//   node scripts/package.mjs                              the host's target (npm run package)
//   node scripts/package.mjs --target darwin-arm64 [--target win32-x64 …] | --target all
//        [--out-dir <dir>]      where the .vsix files go            default: out/vsix
//        [--staging-dir <dir>]  one staging tree per target inside   default: out/package
//   node scripts/package.mjs --icon                       regenerates media/icon.png from media/activity-bar.svg
//
// Each target's tree (<staging-dir>/<target>/) holds package.json (scripts and dev dependencies stripped, the SDK
// pinned to the installed version), dist/ (minified, no source maps), media/, README.md, CHANGELOG.md, LICENSE,
// .vscodeignore, node_modules/@ngrok/ngrok (the JS loader) and node_modules/@ngrok/ngrok-<triple> — no other
// native package. The native package is copied from node_modules when it is the one npm installed for this
// machine, otherwise fetched from the npm registry with `npm pack` (cached in ~/.cache/webhook-tunnel/npm-pack/).
//
// Why vsce runs WITH dependency detection: `vsce package --no-dependencies` globs the tree with `node_modules/**`
// ignored, so the staged SDK would be left out. With `--dependencies`, vsce asks `npm list --production` in the
// staging tree, which lists exactly the two staged packages; .vscodeignore then keeps only the loader's files.
// The script checks the VSIX afterwards and fails if any other native package or a source map got in.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** VS Code target → the `@ngrok/ngrok-<triple>` package that holds its native module. */
export const TARGETS = Object.freeze({
  'win32-x64': 'win32-x64-msvc',
  'win32-arm64': 'win32-arm64-msvc',
  'linux-x64': 'linux-x64-gnu',
  'linux-arm64': 'linux-arm64-gnu',
  'linux-armhf': 'linux-arm-gnueabihf',
  'alpine-x64': 'linux-x64-musl',
  'alpine-arm64': 'linux-arm64-musl',
  'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64',
});

/** Files of the SDK's JS package that the extension ships: the loader, its manifest and types, and its licenses. */
export const LOADER_FILES = Object.freeze(['package.json', 'index.js', 'index.d.ts', 'LICENSE-MIT', 'LICENSE-APACHE']);

/** Top-level files and folders of the repo that go into every staging tree as they are. */
const COPIED = Object.freeze(['README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'media']);

const cacheRoot = process.env.WEBHOOK_TUNNEL_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'webhook-tunnel');

function say(message) {
  process.stderr.write(`[package] ${message}\n`);
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The VS Code target of this machine, or null when VS Code has none (for example FreeBSD). */
export function hostTarget() {
  const { platform, arch } = process;
  if (platform === 'win32' || platform === 'darwin') return TARGETS[`${platform}-${arch}`] ? `${platform}-${arch}` : null;
  if (platform !== 'linux') return null;
  const musl = !process.report?.getReport().header.glibcVersionRuntime;
  const target = musl ? { x64: 'alpine-x64', arm64: 'alpine-arm64' }[arch] : { x64: 'linux-x64', arm64: 'linux-arm64', arm: 'linux-armhf' }[arch];
  return target ?? null;
}

export function vsixName(target, version = readJson(join(repoRoot, 'package.json')).version) {
  return `webhook-tunnel-${target}-${version}.vsix`;
}

// ---------------------------------------------------------------------------------------------------------------
// Bundles: the two production entries of scripts/build.mjs, with the same options, written to a folder of our own
// so the dev bundles in dist/ (with their maps, used by the other tests) are left alone.

async function buildProductionBundles(outDir) {
  const esbuild = await import('esbuild');
  const common = { bundle: true, minify: true, sourcemap: false, sourcesContent: false, logLevel: 'warning', absWorkingDir: repoRoot };
  await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: ['src/extension.ts'],
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: join(outDir, 'extension.js'),
      // The SDK's loader picks its native package from real node_modules paths, so it must not be bundled.
      external: ['vscode', '@ngrok/ngrok'],
    }),
    esbuild.build({
      ...common,
      entryPoints: ['webview-ui/src/main.ts'],
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      outfile: join(outDir, 'webview', 'main.js'),
    }),
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// The native package

function npm(args, options = {}) {
  const windows = process.platform === 'win32';
  return execFileSync(windows ? 'npm.cmd' : 'npm', args, { encoding: 'utf8', shell: windows, stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** The tarball of `name@version` from the npm registry, fetched once with `npm pack` and kept in the cache. */
function packedTarball(name, version) {
  const dir = join(cacheRoot, 'npm-pack');
  const file = join(dir, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const scratch = mkdtempSync(join(dir, '.partial-'));
  try {
    say(`npm pack ${name}@${version} (from the npm registry)…`);
    const [packed] = JSON.parse(npm(['pack', `${name}@${version}`, '--json', '--pack-destination', scratch, '--loglevel=error']));
    renameSync(join(scratch, packed.filename), file);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return file;
}

/** Puts `@ngrok/ngrok-<triple>@version` into `dest` and returns where it came from. */
function stageNativePackage(triple, version, dest) {
  const name = `@ngrok/ngrok-${triple}`;
  const installed = join(repoRoot, 'node_modules', '@ngrok', `ngrok-${triple}`);
  let source;
  if (existsSync(join(installed, 'package.json')) && readJson(join(installed, 'package.json')).version === version) {
    cpSync(installed, dest, { recursive: true });
    source = `node_modules (installed by npm for this machine)`;
  } else {
    const tarball = packedTarball(name, version);
    mkdirSync(dest, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1']);
    source = relative(repoRoot, tarball).startsWith('..') ? tarball : relative(repoRoot, tarball);
  }
  const manifest = readJson(join(dest, 'package.json'));
  if (manifest.name !== name || manifest.version !== version) {
    throw new Error(`${dest} holds ${manifest.name}@${manifest.version}, expected ${name}@${version}`);
  }
  const binary = `ngrok.${triple}.node`;
  if (!existsSync(join(dest, binary))) throw new Error(`${name}@${version} has no ${binary}`);
  return source;
}

// ---------------------------------------------------------------------------------------------------------------
// Staging

function stagedManifest(rootManifest, sdkVersion) {
  const manifest = structuredClone(rootManifest);
  // vsce would run a `vscode:prepublish` script here, in a tree without sources; the bundles are already built.
  delete manifest.scripts;
  // Kept for vsce's check that `engines.vscode` is not older than the API typings used.
  manifest.devDependencies = manifest.devDependencies?.['@types/vscode'] ? { '@types/vscode': manifest.devDependencies['@types/vscode'] } : undefined;
  if (!manifest.devDependencies) delete manifest.devDependencies;
  // Everything else is bundled into dist/; the SDK stays external (see buildProductionBundles) and is pinned exactly.
  manifest.dependencies = { '@ngrok/ngrok': sdkVersion };
  return manifest;
}

function stage({ target, stagingDir, bundlesDir, rootManifest, sdkVersion }) {
  const triple = TARGETS[target];
  rmSync(stagingDir, { recursive: true, force: true });
  mkdirSync(stagingDir, { recursive: true });
  writeFileSync(join(stagingDir, 'package.json'), `${JSON.stringify(stagedManifest(rootManifest, sdkVersion), null, 2)}\n`);
  for (const entry of COPIED) {
    const from = join(repoRoot, entry);
    if (!existsSync(from)) throw new Error(`${entry} is missing from the repo`);
    cpSync(from, join(stagingDir, entry), { recursive: true });
  }
  cpSync(bundlesDir, join(stagingDir, 'dist'), { recursive: true });

  const sdkDir = join(repoRoot, 'node_modules', '@ngrok', 'ngrok');
  const stagedSdk = join(stagingDir, 'node_modules', '@ngrok', 'ngrok');
  mkdirSync(stagedSdk, { recursive: true });
  for (const file of LOADER_FILES) cpSync(join(sdkDir, file), join(stagedSdk, file));
  const source = stageNativePackage(triple, sdkVersion, join(stagingDir, 'node_modules', '@ngrok', `ngrok-${triple}`));
  return source;
}

function vsce(args, cwd) {
  const bin = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  // stdin closed: a question from vsce (missing repository, LICENSE…) fails the run instead of hanging it.
  return execFileSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a VSIX (a zip) without unzip: the central directory lists every entry with its sizes.

/** @returns {{ name: string, size: number, compressedSize: number, read: () => Buffer }[]} */
export function zipEntries(file) {
  const zip = readFileSync(file);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${file} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const read = () => {
      const data = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const raw = zip.subarray(data, data + compressedSize);
      return method === 0 ? Buffer.from(raw) : inflateRawSync(raw);
    };
    entries.push({ name, size, compressedSize, read });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Fails when the VSIX holds another target's native package, a source map, or misses its own native module. */
function checkVsix(file, target) {
  const triple = TARGETS[target];
  const names = zipEntries(file).map((entry) => entry.name);
  const problems = [];
  const natives = new Set(names.map((name) => /^extension\/node_modules\/@ngrok\/(ngrok-[^/]+)\//.exec(name)?.[1]).filter(Boolean));
  if (natives.size !== 1 || !natives.has(`ngrok-${triple}`)) problems.push(`native packages ${[...natives].join(', ') || 'none'}; expected ngrok-${triple} only`);
  if (!names.includes(`extension/node_modules/@ngrok/ngrok-${triple}/ngrok.${triple}.node`)) problems.push(`no ngrok.${triple}.node`);
  for (const needed of ['extension/package.json', 'extension/dist/extension.js', 'extension/node_modules/@ngrok/ngrok/index.js']) {
    if (!names.includes(needed)) problems.push(`no ${needed}`);
  }
  const maps = names.filter((name) => name.endsWith('.map'));
  if (maps.length) problems.push(`source maps: ${maps.join(', ')}`);
  if (problems.length) throw new Error(`${file} is wrong: ${problems.join('; ')}`);
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

/**
 * Builds the production bundles once, then stages and packs each target.
 *
 * @param {{ targets: string[], outDir?: string, stagingDir?: string }} options
 * @returns {Promise<{ target: string, vsix: string, stagingDir: string, nativeFrom: string, bytes: number,
 *   unpackedBytes: number, files: number }[]>}
 */
export async function packageTargets({ targets, outDir = join(repoRoot, 'out', 'vsix'), stagingDir = join(repoRoot, 'out', 'package') }) {
  for (const target of targets) {
    if (!TARGETS[target]) throw new Error(`Unknown target ${target}. Targets: ${Object.keys(TARGETS).join(', ')}, or all.`);
  }
  const rootManifest = readJson(join(repoRoot, 'package.json'));
  const sdkVersion = readJson(join(repoRoot, 'node_modules', '@ngrok', 'ngrok', 'package.json')).version;
  outDir = resolve(outDir);
  stagingDir = resolve(stagingDir);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(stagingDir, { recursive: true });

  const bundlesDir = mkdtempSync(join(stagingDir, '.bundles-'));
  const results = [];
  try {
    let since = Date.now();
    await buildProductionBundles(bundlesDir);
    say(`production bundles built (${Date.now() - since} ms)`);
    for (const target of targets) {
      since = Date.now();
      const targetDir = join(stagingDir, target);
      const nativeFrom = stage({ target, stagingDir: targetDir, bundlesDir, rootManifest, sdkVersion });
      const vsix = join(outDir, vsixName(target, rootManifest.version));
      vsce(['package', '--target', target, '--dependencies', '--out', vsix], targetDir);
      checkVsix(vsix, target);
      const entries = zipEntries(vsix);
      const result = {
        target,
        vsix,
        stagingDir: targetDir,
        nativeFrom,
        bytes: statSync(vsix).size,
        unpackedBytes: entries.filter((entry) => entry.name.startsWith('extension/')).reduce((sum, entry) => sum + entry.size, 0),
        files: entries.filter((entry) => entry.name.startsWith('extension/')).length,
      };
      results.push(result);
      const shown = relative(process.cwd(), vsix);
      say(`${target}: ${shown.startsWith('..') ? vsix : shown} — ${mb(result.bytes)} (unpacked ${mb(result.unpackedBytes)}, ${result.files} files; native module from ${nativeFrom}) in ${Date.now() - since} ms`);
    }
  } finally {
    rmSync(bundlesDir, { recursive: true, force: true });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// The Marketplace icon: media/activity-bar.svg drawn large on a rounded, coloured tile, screenshot by chromium.

export const ICON_SIZE = 256;
const ICON_BACKGROUND = 'linear-gradient(145deg, #2b6fd6 0%, #123a7a 100%)';

async function makeIcon(file = join(repoRoot, 'media', 'icon.png')) {
  const { launchBrowser } = await import('./codeServer.mjs');
  const svg = readFileSync(join(repoRoot, 'media', 'activity-bar.svg'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const html = `<!doctype html><html><head><style>
    html, body { margin: 0; background: transparent; }
    .tile { width: ${ICON_SIZE}px; height: ${ICON_SIZE}px; border-radius: ${ICON_SIZE * 0.2}px; background: ${ICON_BACKGROUND};
            display: flex; align-items: center; justify-content: center; color: #ffffff; }
    .tile svg { width: ${ICON_SIZE * 0.72}px; height: ${ICON_SIZE * 0.72}px; }
  </style></head><body><div class="tile">${svg}</div></body></html>`;
  const context = await launchBrowser({ viewport: { width: ICON_SIZE, height: ICON_SIZE } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.setContent(html);
    await page.locator('.tile').screenshot({ path: file, omitBackground: true });
  } finally {
    await context.close();
  }
  say(`wrote ${relative(repoRoot, file)} (${ICON_SIZE}×${ICON_SIZE})`);
}

// ---------------------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const options = { targets: [], icon: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--target') options.targets.push(...value().split(','));
    else if (arg.startsWith('--target=')) options.targets.push(...arg.slice('--target='.length).split(','));
    else if (arg === '--out-dir') options.outDir = value();
    else if (arg === '--staging-dir') options.stagingDir = value();
    else if (arg === '--icon') options.icon = true;
    else throw new Error(`Unknown argument ${arg}. Usage: node scripts/package.mjs [--target <${Object.keys(TARGETS).join('|')}|all>]… [--out-dir <dir>] [--staging-dir <dir>] | --icon`);
  }
  if (options.targets.includes('all')) options.targets = Object.keys(TARGETS);
  if (options.targets.length === 0 && !options.icon) {
    const host = hostTarget();
    if (!host) throw new Error(`VS Code has no target for ${process.platform}-${process.arch}; name one with --target.`);
    options.targets = [host];
  }
  options.targets = [...new Set(options.targets)];
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.icon) await makeIcon();
  if (options.targets.length === 0) return;
  const results = await packageTargets(options);
  for (const result of results) console.log(result.vsix);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    process.stderr.write(`[package] ${error instanceof Error ? (error.stderr ? `${error.message}\n${error.stderr}` : error.message) : error}\n`);
    process.exitCode = 1;
  });
}
