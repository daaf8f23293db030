import { build } from 'esbuild';
import { join } from 'node:path';
import { bundleOutFile, repoRoot } from './paths';

export interface BundleSize {
  readonly path: string;
  readonly bytes: number;
  /** The inputs that take the most room in the output, to show where to cut when it grows. */
  readonly largestInputs: readonly { readonly path: string; readonly bytes: number }[];
}

/**
 * Builds the extension bundle as `node scripts/build.mjs --production` does (same esbuild options, keep them
 * in step), but into out/bench/ so the bench never replaces the dist/ bundle someone may be running.
 */
export async function buildProductionBundle(): Promise<BundleSize> {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [join(repoRoot, 'src', 'extension.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundleOutFile,
    external: ['vscode', '@ngrok/ngrok'],
    minify: true,
    sourcemap: false,
    logLevel: 'warning',
    metafile: true,
  });
  const output = Object.values(result.metafile.outputs)[0];
  if (!output) throw new Error('esbuild produced no output');
  const largestInputs = Object.entries(output.inputs)
    .map(([path, input]) => ({ path, bytes: input.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
  return { path: bundleOutFile, bytes: output.bytes, largestInputs };
}
