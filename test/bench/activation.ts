import { fork } from 'node:child_process';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActivateSample } from './activateChild';
import { repoRoot } from './paths';
import { median } from './stats';

export interface ActivationFigures {
  readonly runs: number;
  /** Median over fresh processes; undefined when activate could not run (see `error`). */
  readonly activateMs?: number;
  readonly loadMs?: number;
  readonly commands?: number;
  readonly ngrokModules: readonly string[];
  readonly error?: string;
}

function activateOnce(bundlePath: string, workspaceDir: string, storageDir: string): Promise<ActivateSample> {
  return new Promise((resolve) => {
    const child = fork(join(__dirname, 'activateChild.js'), [bundlePath, repoRoot, workspaceDir, storageDir], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let sample: ActivateSample | undefined;
    child.once('message', (message: ActivateSample) => (sample = message));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(sample ?? { ngrokModules: [], error: `the activate child exited (${code}) without a figure ${stderr.trim().slice(0, 500)}` });
    });
  });
}

/** Loads the production bundle and runs activate() in `runs` fresh processes, each with an empty workspace and storage. */
export async function measureActivation(bundlePath: string, scratchDir: string, runs: number): Promise<ActivationFigures> {
  const samples: ActivateSample[] = [];
  for (let run = 0; run < runs; run++) {
    const dir = await mkdtemp(join(scratchDir, 'activate-'));
    await mkdir(join(dir, 'workspace'));
    samples.push(await activateOnce(bundlePath, join(dir, 'workspace'), join(dir, 'storage')));
  }
  const ngrokModules = [...new Set(samples.flatMap((sample) => sample.ngrokModules))];
  const good = samples.filter((sample) => sample.error === undefined && sample.activateMs !== undefined);
  if (good.length === 0) return { runs, ngrokModules, error: samples[0]?.error ?? 'no runs' };
  return {
    runs: good.length,
    activateMs: median(good.map((sample) => sample.activateMs!)),
    loadMs: median(good.map((sample) => sample.loadMs!)),
    commands: good[0]!.commands,
    ngrokModules,
  };
}
