// Builds the extension bundle, the webview bundle and the test tree with esbuild.
//   node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

function filesUnder(dir, suffix) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path, suffix));
    else if (path.endsWith(suffix) && !path.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** Prints errors in the `$esbuild-watch` problem-matcher format so VS Code tasks pick them up. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const builds = [
  {
    entryPoints: ['src/extension.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: 'dist/extension.js',
    // The SDK's loader picks its native package from real node_modules paths, so it must not be bundled.
    external: ['vscode', '@ngrok/ngrok'],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
  },
  {
    entryPoints: ['webview-ui/src/main.ts'],
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    outfile: 'dist/webview/main.js',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
  },
];
if (!production) {
  // Tests run from plain transpiled files (no bundling) so mocha can load them one by one,
  // in plain Node and inside the VS Code extension host alike.
  builds.push({
    entryPoints: [...filesUnder('src', '.ts'), ...filesUnder('test', '.ts')],
    outdir: 'out',
    outbase: '.',
    bundle: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context({ ...options, plugins: [problemMatcher] });
    await context.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
