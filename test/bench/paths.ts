import { join, resolve } from 'node:path';

/** Compiled to out/test/bench/, three levels below the repository root. */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/** Bench output lives beside the other build output, never in dist/ (which the extension ships from). */
export const benchOutDir = join(repoRoot, 'out', 'bench');
export const resultsPath = join(benchOutDir, 'results.json');
/** Inside the repository so `@ngrok/ngrok` resolves from the bundle exactly as it does from dist/. */
export const bundleOutFile = join(benchOutDir, 'bundle', 'extension.js');
