import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActivateSample } from './activateChild';
import { sampleFromChild } from './oneShotChild';
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
  return sampleFromChild<ActivateSample>('activateChild.js', [bundlePath, repoRoot, workspaceDir, storageDir], (why) => ({ ngrokModules: [], error: `activate: ${why}` }));
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
