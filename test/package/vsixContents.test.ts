import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { megabytes, packageTarget, repoRoot, sdkVersion, version, vsce, zipEntries } from './packaging';
import type { Packaged, ZipEntry } from './packaging';

/** Everything a VSIX may hold (paths as `vsce ls` prints them, relative to the extension root). */
const ALLOWED: readonly RegExp[] = [
  /^package\.json$/,
  /^README\.md$/,
  /^CHANGELOG\.md$/,
  /^LICENSE$/,
  /^dist\/extension\.js$/,
  /^dist\/webview\/[^/]+(\/[^/]+)*\.(js|css)$/,
  /^media\/[^/]+(\/[^/]+)*$/,
  /^node_modules\/@ngrok\/ngrok\/(package\.json|index\.js|index\.d\.ts|LICENSE-MIT|LICENSE-APACHE)$/,
  /^node_modules\/@ngrok\/ngrok-linux-x64-gnu\/(package\.json|ngrok\.linux-x64-gnu\.node)$/,
];

const REQUIRED: readonly string[] = [
  'package.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'dist/extension.js',
  'dist/webview/main.js',
  'media/activity-bar.svg',
  'media/icon.png',
  // The TOML JSON Schema, once it exists in the repo.
  ...(existsSync(join(repoRoot, 'media', 'webhook-tunnel.schema.json')) ? ['media/webhook-tunnel.schema.json'] : []),
  'node_modules/@ngrok/ngrok/package.json',
  'node_modules/@ngrok/ngrok/index.js',
  'node_modules/@ngrok/ngrok/index.d.ts',
  'node_modules/@ngrok/ngrok-linux-x64-gnu/package.json',
  'node_modules/@ngrok/ngrok-linux-x64-gnu/ngrok.linux-x64-gnu.node',
];

const FORBIDDEN: readonly RegExp[] = [/\.map$/, /^src\//, /^test\//, /^out\//, /^webview-ui\//, /^scripts\//, /^docs\//, /^sample\//, /(^|\/)tsconfig[^/]*\.json$/, /^\.vscodeignore$/];

/** vsce stores these three under other names in the VSIX. */
const VSIX_NAMES: Readonly<Record<string, string>> = { 'README.md': 'readme.md', 'CHANGELOG.md': 'changelog.md', LICENSE: 'LICENSE.txt' };

/** Files under `dir`, relative to it, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...filesUnder(dir, path));
    else found.push(path);
  }
  return found.sort();
}

function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.toString('latin1', 1, 4), 'PNG', 'a PNG file');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('package: the linux-x64 VSIX holds the allowlist and nothing else', function () {
  this.timeout(240_000);
  let packaged: Packaged;
  let listed: string[];
  let entries: ZipEntry[];

  before(async () => {
    packaged = await packageTarget('linux-x64');
    listed = await vsce(['ls', '--dependencies'], packaged.stagingDir);
    entries = zipEntries(packaged.vsix);
  });

  it('vsce ls in the staging tree lists only allowed files, all of the required ones, and nothing forbidden', () => {
    const unexpected = listed.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)));
    assert.deepEqual(unexpected, [], `files outside the allowlist:\n${unexpected.join('\n')}`);
    const missing = REQUIRED.filter((file) => !listed.includes(file));
    assert.deepEqual(missing, [], `required files missing:\n${missing.join('\n')}`);
    const forbidden = listed.filter((file) => FORBIDDEN.some((pattern) => pattern.test(file)));
    assert.deepEqual(forbidden, []);
    const otherNodeModules = listed.filter((file) => file.startsWith('node_modules/') && !/^node_modules\/@ngrok\/(ngrok|ngrok-linux-x64-gnu)\//.test(file));
    assert.deepEqual(otherNodeModules, [], 'no node_modules but the SDK loader and its linux-x64-gnu native package');
  });

  it('the VSIX holds exactly what vsce ls listed, plus the manifest', () => {
    const expected = listed.map((file) => `extension/${VSIX_NAMES[file] ?? file}`).concat(['extension.vsixmanifest', '[Content_Types].xml']).sort();
    assert.deepEqual(entries.map((entry) => entry.name).sort(), expected);
  });

  it('the staging tree holds only the SDK loader and the one native package; vsce needs --dependencies to see them', async () => {
    assert.deepEqual(readdirSync(join(packaged.stagingDir, 'node_modules')), ['@ngrok']);
    assert.deepEqual(readdirSync(join(packaged.stagingDir, 'node_modules', '@ngrok')).sort(), ['ngrok', 'ngrok-linux-x64-gnu']);
    // Why scripts/package.mjs passes --dependencies: with --no-dependencies vsce skips node_modules altogether.
    const withoutDependencies = await vsce(['ls', '--no-dependencies'], packaged.stagingDir);
    assert.deepEqual(withoutDependencies.filter((file) => file.startsWith('node_modules/')), []);
  });

  it('is a linux-x64 VSIX named webhook-tunnel-linux-x64-<version>.vsix with Marketplace metadata', () => {
    assert.ok(packaged.vsix.endsWith(`webhook-tunnel-linux-x64-${version}.vsix`));
    const vsixManifest = entries.find((entry) => entry.name === 'extension.vsixmanifest')!.read().toString('utf8');
    assert.match(vsixManifest, /TargetPlatform="linux-x64"/);
    assert.match(vsixManifest, /<Icon>extension\/media\/icon\.png<\/Icon>/);
    assert.match(vsixManifest, /Microsoft\.VisualStudio\.Services\.Branding\.Color" Value="#[0-9a-fA-F]{6}"/);
    assert.match(vsixManifest, /<License>extension\/LICENSE\.txt<\/License>/);

    const manifest = JSON.parse(entries.find((entry) => entry.name === 'extension/package.json')!.read().toString('utf8')) as Record<string, unknown>;
    assert.equal(manifest.scripts, undefined, 'no scripts in the shipped manifest');
    assert.deepEqual(Object.keys((manifest.devDependencies as object | undefined) ?? {}), ['@types/vscode']);
    assert.deepEqual(manifest.dependencies, { '@ngrok/ngrok': sdkVersion }, 'the SDK pinned to the installed version');
    assert.equal(manifest.icon, 'media/icon.png');
    assert.equal(manifest.license, 'MIT');
    assert.match(JSON.stringify(manifest.repository), /github\.com\/webhooktunnel\/webhook-tunnel/);
    assert.ok((manifest.galleryBanner as { color?: string } | undefined)?.color, 'galleryBanner.color');
    assert.ok(Array.isArray(manifest.categories) && manifest.categories.length > 0, 'categories');
    assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.length > 0, 'keywords');

    const { width, height } = pngSize(entries.find((entry) => entry.name === 'extension/media/icon.png')!.read());
    assert.ok(width >= 128 && height >= 128 && width === height, `icon ${width}×${height}: square, at least 128×128`);
  });

  it('ships production bundles: minified, no source maps', () => {
    for (const name of ['extension/dist/extension.js', 'extension/dist/webview/main.js']) {
      const text = entries.find((entry) => entry.name === name)!.read().toString('utf8');
      assert.doesNotMatch(text, /sourceMappingURL/, `${name} has no source map reference`);
      const lines = text.split('\n');
      // Minified: no indented lines (the few line breaks left are inside template literals).
      assert.ok(text.length < 1000 || text.length / lines.length > 400, `${name} is minified (${lines.length} lines for ${text.length} bytes)`);
    }
  });

  it('stages the same bundles that scripts/build.mjs writes to dist/ (scripts/package.mjs repeats its production options)', () => {
    const dev = filesUnder(join(repoRoot, 'dist')).filter((file) => !file.endsWith('.map'));
    const staged = filesUnder(join(packaged.stagingDir, 'dist'));
    assert.deepEqual(staged, dev, 'a bundle added to scripts/build.mjs needs adding to buildProductionBundles() in scripts/package.mjs (or dist/ holds a stale file: rm -rf dist && node scripts/build.mjs)');
  });

  it('loads the SDK from the unpacked VSIX, the way the extension host does', () => {
    const unpacked = mkdtempSync(join(tmpdir(), 'wt-vsix-unpacked-'));
    try {
      for (const entry of entries) {
        if (!entry.name.startsWith('extension/node_modules/')) continue;
        const path = join(unpacked, entry.name);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, entry.read());
      }
      const loaded = execFileSync(process.execPath, ['-e', 'process.stdout.write(typeof require(process.argv[1]).SessionBuilder)', join(unpacked, 'extension', 'node_modules', '@ngrok', 'ngrok')], { encoding: 'utf8' });
      assert.equal(loaded, 'function');
    } finally {
      rmSync(unpacked, { recursive: true, force: true });
    }
  });

  it('is at most 6 MB compressed', () => {
    const bytes = entries.reduce((sum, entry) => sum + entry.compressedSize, 0);
    const unpacked = entries.filter((entry) => entry.name.startsWith('extension/')).reduce((sum, entry) => sum + entry.size, 0);
    console.log(`      linux-x64 VSIX: ${megabytes(bytes)} compressed, ${megabytes(unpacked)} unpacked, ${entries.length - 2} files`);
    assert.ok(bytes <= 6 * 1024 * 1024, `${megabytes(bytes)} > 6 MB`);
  });
});
