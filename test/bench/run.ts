/**
 * `npm run bench`: what recording every webhook costs, against references, in one run.
 *
 * For 2 KB, 8 KB and 256 KB JSON POSTs at concurrency 1 and 32, it measures requests/s, p50/p99 latency and
 * the proxy process's CPU per request for: the upstream directly; a bare Node pass-through proxy (the floor
 * for any Node proxy); the capture proxy recording into the history store (what the extension runs); the
 * pass-through plus a naive base64-JSON-lines recorder (what recording costs done the obvious way); and
 * mitmdump (the usual tool for this job). Each server runs in its own process so its CPU time can be read.
 *
 * Rounds are interleaved (every variant runs once per round, the starting variant rotating) because on a
 * shared 2-core machine noise comes in waves; back-to-back blocks per variant would turn a wave into a
 * spurious difference between variants, while interleaving spreads it over all of them. The ratios are the
 * figures to trust; absolute numbers move with the machine.
 *
 * Then: memory growth over 100k captured exchanges; the public tunnel against the project's local ngrok-compatible
 * edge (tunnelBench.ts: requests/s through edge → SDK → capture proxy → upstream against edge → SDK → upstream and
 * direct, Start Tunnel → URL shown in fresh processes, memory a running tunnel adds); the load time of a
 * 10k-exchange history, the minified bundle size, and activate() time under a fake `vscode`. Targets print
 * PASS/MISS; a miss never fails the run.
 *
 *   npm run bench [-- --quick] [-- --tunnel-only]   --tunnel-only runs just the tunnel phase (about a minute);
 *   BENCH_EDGE_ACK_POLICY=off runs the edge without its Nagle workaround (design notes §10);
 *   BENCH_CPU_PROF=capture,passThrough also writes .cpuprofile files to out/bench/profiles;
 *   to dig into one variant: node out/test/bench/profileProxy.js capture 2048 1 20000
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureActivation } from './activation';
import { BenchChild } from './benchChild';
import type { BenchPlan } from './benchConfig';
import { planFor } from './benchConfig';
import { buildProductionBundle } from './bundleSize';
import type { ServerChildSpec } from './childProtocol';
import { canReadProcessCpu } from './cpuTime';
import { measureHistoryLoad } from './historyLoad';
import { measureMemoryGrowth } from './memoryGrowth';
import type { Mitmdump } from './mitmdump';
import { findMitmdump, startMitmdump } from './mitmdump';
import { naiveLogPath } from './naiveRecorderProxy';
import { benchOutDir, resultsPath } from './paths';
import { emptyRecording } from './referenceRecordings';
import { cellRatios } from './ratios';
import { matrixTable, otherFigures, ratioTable, targetList } from './report';
import type { BenchFigures, Outcome } from './targets';
import { attempt as attemptPart, checkTargets } from './targets';
import type { MeasuredVariant } from './throughputMatrix';
import { runMatrix } from './throughputMatrix';
import type { TunnelFigures } from './tunnelBench';
import { measureTunnel } from './tunnelBench';
import { checkTunnelTargets, tunnelReport } from './tunnelReport';

const started = Date.now();
/** Progress goes to stderr so stdout is just the report. */
function progress(line: string): void {
  console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);
}

function attempt<T>(what: string, run: () => Promise<T>): Promise<Outcome<T>> {
  return attemptPart(what, progress, run);
}

/** BENCH_CPU_PROF=capture,passThrough: those proxy children write a V8 CPU profile to out/bench/profiles on exit. */
function profilingArgs(role: ServerChildSpec['role']): string[] {
  const wanted = (process.env.BENCH_CPU_PROF ?? '').split(',').map((name) => name.trim());
  return wanted.includes(role) ? ['--cpu-prof', `--cpu-prof-dir=${join(benchOutDir, 'profiles')}`, `--cpu-prof-name=${role}-${process.pid}.cpuprofile`] : [];
}

interface Servers {
  readonly children: BenchChild[];
  readonly variants: MeasuredVariant[];
  mitmdump?: Mitmdump;
  mitmdumpSkipped?: string;
  upstreamOrigin: string;
}

async function startServers(plan: BenchPlan, scratch: string, servers: Servers): Promise<void> {
  const upstream = await BenchChild.start({ role: 'upstream' });
  servers.children.push(upstream);
  servers.upstreamOrigin = upstream.origin;
  servers.variants.push({ id: 'direct', port: upstream.port, settle: async () => {} });
  const capture = { maxEntries: plan.maxEntries, maxBodyBytes: plan.maxBodyBytes, upstreamTimeoutMs: plan.upstreamTimeoutMs };
  for (const [id, role] of [['passThrough', 'passThrough'], ['capture', 'capture'], ['naive', 'naive']] as const) {
    const scratchDir = join(scratch, role);
    await mkdir(scratchDir);
    const child = await BenchChild.start({ role, upstream: upstream.origin, scratchDir, capture }, profilingArgs(role));
    servers.children.push(child);
    const settle = role === 'naive' ? () => child.settle().then(() => emptyRecording(naiveLogPath(scratchDir))) : () => child.settle();
    servers.variants.push({ id, port: child.port, cpuPid: child.pid, settle });
  }
  const executable = findMitmdump();
  if (!executable) {
    servers.mitmdumpSkipped = 'mitmdump is not installed (Debian: apt install mitmproxy)';
    return;
  }
  try {
    const mitmdump = await startMitmdump(executable, upstream.origin, scratch);
    servers.mitmdump = mitmdump;
    servers.variants.push({ id: 'mitmdump', port: mitmdump.port, cpuPid: mitmdump.pid, settle: () => emptyRecording(mitmdump.flowsPath) });
  } catch (error) {
    servers.mitmdumpSkipped = `mitmdump did not start: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The proxies go after the matrix; the upstream (the first child) stays for the memory phase unless `all`. */
async function stopServers(servers: Servers, all: boolean): Promise<void> {
  await servers.mitmdump?.stop();
  servers.mitmdump = undefined;
  const stopping = servers.children.splice(all ? 0 : 1);
  await Promise.all(stopping.map((child) => child.close()));
}

/** The tunnel phase, whose parts each report their own failure; this covers the edge or upstream not starting. */
async function tunnelPhase(plan: BenchPlan, scratch: string, tunnelChildren: BenchChild[]): Promise<TunnelFigures> {
  const figures = await attempt('tunnel', () => measureTunnel(plan, scratch, (child) => tunnelChildren.push(child), progress));
  if (figures.ok) return figures.value;
  const failed = { ok: false, error: figures.error } as const;
  return { edgeAckPolicy: process.env.BENCH_EDGE_ACK_POLICY ?? 'every-read (default)', throughput: failed, start: failed, memory: failed };
}

function runMeta(loadAtStart: number[], mitmdump: string | null): object {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadAverageAtStart: loadAtStart,
    mitmdump,
    cpuMethod: '/proc/<pid>/stat utime+stime of the proxy process (tunnel: the agent process, and the edge process), per completed request, summed over rounds',
    seconds: (Date.now() - started) / 1000,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const plan = planFor(argv);
  const tunnelOnly = argv.includes('--tunnel-only');
  if (!canReadProcessCpu()) throw new Error('The bench reads CPU time from /proc/<pid>/stat, so it needs Linux.');
  const scratch = await mkdtemp(join(tmpdir(), 'webhook-tunnel-bench-'));
  const servers: Servers = { children: [], variants: [], upstreamOrigin: '' };
  const tunnelChildren: BenchChild[] = [];
  // Whatever happens, no server outlives the bench.
  process.once('exit', () => {
    servers.mitmdump?.kill();
    for (const child of servers.children) child.kill();
    for (const child of tunnelChildren) child.kill();
  });
  process.once('SIGINT', () => process.exit(130));
  const loadAtStart = loadavg();
  try {
    if (tunnelOnly) {
      const tunnel = await tunnelPhase(plan, scratch, tunnelChildren);
      const targets = checkTunnelTargets(tunnel);
      console.log([tunnelReport(tunnel, plan.tunnel.matrix), '', 'Targets:', '', targetList(targets)].join('\n'));
      const meta = runMeta(loadAtStart, null);
      await mkdir(benchOutDir, { recursive: true });
      await writeFile(resultsPath, `${JSON.stringify({ meta, mode: 'tunnel-only', plan, tunnel, targets }, null, 2)}\n`);
      console.log(`\nFigures written to ${resultsPath} (${((Date.now() - started) / 1000).toFixed(0)} s).`);
      return;
    }
    progress('starting the upstream, the proxies and mitmdump');
    await startServers(plan, scratch, servers);
    const cells = await runMatrix(servers.variants, plan.matrix, progress);
    const mitmdumpVersion = servers.mitmdump?.version ?? null;
    await stopServers(servers, false);
    const memory = await attempt('memory', () => measureMemoryGrowth(servers.upstreamOrigin, join(scratch, 'memory-history'), plan, progress));
    await stopServers(servers, true);
    const tunnel = await tunnelPhase(plan, scratch, tunnelChildren);
    const historyLoad = await attempt('history load', () => measureHistoryLoad(join(scratch, 'history-load'), plan, progress));
    progress('building the production bundle');
    const bundle = await attempt('bundle', buildProductionBundle);
    progress('measuring activate()');
    const activation = bundle.ok
      ? await attempt('activate', () => measureActivation(bundle.value.path, scratch, plan.activateRuns))
      : ({ ok: false, error: 'no bundle to activate' } as const);

    const ratios = cellRatios(cells);
    const figures: BenchFigures = { ratios, memory, historyLoad, bundle, activation, ...(servers.mitmdumpSkipped ? { mitmdumpSkipped: servers.mitmdumpSkipped } : {}) };
    const targets = [...checkTargets(figures), ...checkTunnelTargets(tunnel)];
    console.log(
      [
        matrixTable(cells, plan.matrix),
        '',
        'Ratios (capture = capture proxy + history store; +p50 = p50 minus direct p50):',
        '',
        ratioTable(ratios),
        '',
        otherFigures(figures),
        '',
        tunnelReport(tunnel, plan.tunnel.matrix),
        '',
        'Targets:',
        '',
        targetList(targets),
      ].join('\n'),
    );
    const meta = runMeta(loadAtStart, mitmdumpVersion);
    await mkdir(benchOutDir, { recursive: true });
    await writeFile(resultsPath, `${JSON.stringify({ meta, mode: 'full', plan, cells, ratios, memory, tunnel, historyLoad, bundle, activation, targets }, null, 2)}\n`);
    console.log(`\nFigures written to ${resultsPath} (${((Date.now() - started) / 1000).toFixed(0)} s).`);
  } finally {
    await stopServers(servers, true).catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
