/**
 * `node out/test/bench/profileSummary.js FILE.cpuprofile [N]`: the top N functions by self time in a V8 CPU
 * profile, as the bench writes with BENCH_CPU_PROF=capture, so a CPU miss can be read without DevTools.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export function topSelfFrames(profile: Profile, count: number): { frame: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const frame = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|out|src)\//, '$1/')}:${lineNumber + 1}`;
    const delta = profile.timeDeltas[i] ?? 0;
    selfMicros.set(frame, (selfMicros.get(frame) ?? 0) + delta);
    total += delta;
  });
  return [...selfMicros.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, micros]) => ({ frame, ms: micros / 1000, share: micros / total }));
}

if (require.main === module) {
  const [file, count] = process.argv.slice(2);
  if (!file) {
    console.error('usage: profileSummary FILE.cpuprofile [N]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  for (const { frame, ms, share } of topSelfFrames(profile, Number(count ?? 25))) {
    console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${frame}`);
  }
}
