// Runs the integration suite (test/integration) in a downloaded VS Code desktop build through @vscode/test-electron,
// for machines that can reach update.code.visualstudio.com. Offline, use scripts/runInVsCode.mjs (npm test) instead.
//   npm run test:electron            (builds, then runs out/test/runElectron.js)
//   VSCODE_VERSION=1.90.0 npm run test:electron   (the engines.vscode minimum)
import { resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  // Compiled to out/test/runElectron.js: the repo root is two levels up.
  const repoRoot = resolve(__dirname, '..', '..');
  const extensionDevelopmentPath = repoRoot;
  const extensionTestsPath = resolve(repoRoot, 'out', 'test', 'integration', 'index.js');
  const workspace = resolve(repoRoot, 'test', 'fixtures', 'workspace');

  const exitCode = await runTests({
    version: process.env.VSCODE_VERSION || undefined,
    extensionDevelopmentPath,
    extensionTestsPath,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: process.env.WEBHOOK_TUNNEL_TEST_GREP ? { WEBHOOK_TUNNEL_TEST_GREP: process.env.WEBHOOK_TUNNEL_TEST_GREP } : undefined,
  });
  process.exitCode = exitCode;
}

main().catch((error: unknown) => {
  console.error('Failed to run the integration tests in VS Code:', error);
  process.exitCode = 1;
});
