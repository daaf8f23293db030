import { fork } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs a bench child script (compiled beside this file) that sends one figure over IPC and exits, in a fresh
 * process so its first load is measured too. Resolves with that figure, or with `failed(why)` when the child
 * sent none (crash, or no answer within 30 s), its stderr included.
 */
export function sampleFromChild<T>(script: string, args: readonly string[], failed: (why: string) => T): Promise<T> {
  return new Promise((resolve) => {
    const child = fork(join(__dirname, script), args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let sample: T | undefined;
    child.once('message', (message: T) => (sample = message));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(sample ?? failed(`the child exited (${code}) without a figure ${stderr.trim().slice(0, 500)}`));
    });
  });
}
