import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU time of another process, read from `/proc/<pid>/stat` (utime + stime). One method for every proxy,
 * Node or Python alike, and it covers all of a process's threads (libuv's pool writing history files, V8's GC
 * helpers) including threads that have already exited. Resolution is one clock tick (10 ms), so rounds are
 * sized to cost well over that and deltas are summed across rounds.
 */

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User and system CPU the process has used so far, in microseconds. */
export function processCpuSplit(pid: number): { readonly user: number; readonly system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces; count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) and stime (15) sit at indexes 11 and 12.
  const toMicros = (ticks: string | undefined): number => (Number(ticks) * 1e6) / clockTicks();
  return { user: toMicros(fields[11]), system: toMicros(fields[12]) };
}

/** Total user + system CPU the process has used so far, in microseconds. */
export function processCpuMicros(pid: number): number {
  const { user, system } = processCpuSplit(pid);
  return user + system;
}

export function canReadProcessCpu(): boolean {
  try {
    return Number.isFinite(processCpuMicros(process.pid));
  } catch {
    return false;
  }
}
