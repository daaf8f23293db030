/** The tunnel phase's tables, lines and targets (tunnelBench.ts), in the style of report.ts and targets.ts. */
import type { MatrixPlan } from './benchConfig';
import { outsideYoung } from './childProtocol';
import { cellRow, num, size, table, times } from './report';
import { check } from './targets';
import type { TargetCheck } from './targets';
import type { TunnelFigures, TunnelMemoryReading } from './tunnelBench';

const KB = 1024;
const MB = 1024 * 1024;

/** RSS at rest minus before start, whole and outside V8's young generation. */
function addedAtRest(reading: TunnelMemoryReading): { readonly bytes: number; readonly outsideYoungBytes: number } {
  return { bytes: reading.rest.rss - reading.before.rss, outsideYoungBytes: outsideYoung(reading.rest) - outsideYoung(reading.before) };
}

export function tunnelReport(figures: TunnelFigures, plan: MatrixPlan): string {
  const lines: string[] = [
    `Public tunnel (LOCAL ngrok-compatible edge from test/edge, not ngrok; edge ack policy ${figures.edgeAckPolicy}; real @ngrok/ngrok SDK):`,
    `${plan.rounds} interleaved rounds × ${plan.roundMs} ms per variant and cell (after a ${plan.warmupMs} ms warmup round each), keep-alive on the public side.`,
    'agent CPU = utime+stime of the agent process (SDK threads, and for the extension\'s tunnel its capture proxy + history store) per request; edge CPU = the edge process.',
    '',
  ];
  const { throughput, start, memory } = figures;
  if (throughput.ok) {
    const rows = throughput.value.cells.map((cell) => cellRow(cell, [num(cell.edgeCpuUsPerRequest, 0)]));
    lines.push(table(['body', 'conc', 'variant', 'req/s', 'p50 ms', 'p99 ms', 'agent CPU µs/req', 'edge CPU µs/req', 'requests', 'failed'], rows), '');
    const ratioRows = throughput.value.ratios.map((r) => [
      size(r.bodyBytes),
      `c${r.concurrency}`,
      '',
      times(r.captureVsSdkReqPerSec),
      times(r.relayVsSdkReqPerSec),
      times(r.captureVsRelayReqPerSec),
      times(r.captureVsDirectReqPerSec),
      times(r.sdkVsDirectReqPerSec),
      num(r.captureHopAddedP50Ms, 3),
      num(r.tunnelAddedP50Ms, 3),
      times(r.captureVsSdkCpu),
    ]);
    lines.push(
      'Ratios (tunnel+capture = edge→SDK→capture→upstream, SDK only = edge→SDK→upstream, bare relay = edge→SDK→Node relay recording nothing→upstream):',
      '',
      table(['body', 'conc', '', 'tunnel+capture/SDK only req/s', 'bare relay/SDK only req/s', 'tunnel+capture/bare relay req/s', 'tunnel+capture/direct req/s', 'SDK only/direct req/s', 'capture hop +p50 ms', 'edge+SDK +p50 ms', 'capture/SDK only agent CPU'], ratioRows),
      '',
    );
  } else lines.push(`tunnel throughput: n/a (${throughput.error})`, '');
  if (start.ok) {
    const s = start.value;
    lines.push(
      `Start Tunnel → URL shown (TunnelController.start() → state on, local edge): ${s.toUrlMs.toFixed(1)} ms median of ${s.runs} fresh processes ` +
        `(${s.samples.flatMap((sample) => (sample.toUrlMs === undefined ? [] : [sample.toUrlMs.toFixed(0)])).join(', ')}); ` +
        `of which capture proxy ${num(s.proxyMs, 1)} ms, SDK load (first import('@ngrok/ngrok'), native module) ${num(s.sdkLoadMs, 1)} ms, ` +
        `session + listener ${num(s.connectMs, 1)} ms; second start in the same process (SDK loaded) ${num(s.warmToUrlMs, 1)} ms` +
        (s.errors.length ? `; ${s.errors.length} failed (${s.errors[0]})` : ''),
    );
  } else lines.push(`Start Tunnel → URL shown: n/a (${start.error})`);
  if (memory.ok) {
    const m = memory.value;
    const mb = (bytes: number): string => (bytes / MB).toFixed(1);
    const rest = addedAtRest(m);
    lines.push(
      `memory of a running tunnel (extension core + history open, GC'd): RSS ${mb(m.before.rss)} MB before start → ${mb(m.online.rss)} online (+${mb(m.onlineAddedBytes)}) ` +
        `→ ${mb(m.after.rss)} after ${m.requests} requests through it (+${mb(m.addedBytes)}); heap used ${mb(m.before.heapUsed)} → ${mb(m.online.heapUsed)} → ${mb(m.after.heapUsed)} MB, ` +
        `heap total ${mb(m.before.heapTotal)} → ${mb(m.online.heapTotal)} → ${mb(m.after.heapTotal)} MB, ` +
        `V8 young generation ${mb(m.before.youngGeneration)} → ${mb(m.after.youngGeneration)} MB (of the RSS added, ${mb(m.after.youngGeneration - m.before.youngGeneration)} MB is V8 growing its young generation), ` +
        `external ${mb(m.before.external)} → ${mb(m.after.external)} MB; ${m.after.recorded} exchanges recorded` +
        (m.failed ? `, ${m.failed} failed (${m.firstError ?? '?'})` : '') +
        `; at rest ${(m.restAfterMs / 1000).toFixed(0)} s later: RSS ${mb(m.rest.rss)} MB (+${mb(rest.bytes)}), young generation ${mb(m.rest.youngGeneration)} MB; ` +
        `added outside the young generation: +${mb(m.addedOutsideYoungBytes)} MB after the requests, +${mb(rest.outsideYoungBytes)} MB at rest`,
    );
    if (m.sdkOnly.ok) {
      const sdk = m.sdkOnly.value;
      const sdkRest = addedAtRest(sdk);
      lines.push(
        `memory of the SDK alone (same child, no capture proxy): RSS ${mb(sdk.before.rss)} → ${mb(sdk.online.rss)} online (+${mb(sdk.onlineAddedBytes)}) ` +
          `→ ${mb(sdk.after.rss)} after ${sdk.requests} requests (+${mb(sdk.addedBytes)}; +${mb(sdk.addedOutsideYoungBytes)} outside the young generation); heap used ${mb(sdk.before.heapUsed)} → ${mb(sdk.after.heapUsed)} MB, ` +
          `heap total ${mb(sdk.before.heapTotal)} → ${mb(sdk.after.heapTotal)} MB` +
          (sdk.failed ? `, ${sdk.failed} failed (${sdk.firstError ?? '?'})` : '') +
          `; at rest ${(sdk.restAfterMs / 1000).toFixed(0)} s later: RSS ${mb(sdk.rest.rss)} MB (+${mb(sdkRest.bytes)}; +${mb(sdkRest.outsideYoungBytes)} outside the young generation)`,
      );
    } else lines.push(`memory of the SDK alone: n/a (${m.sdkOnly.error})`);
  } else lines.push(`tunnel memory: n/a (${memory.error})`);
  return lines.join('\n');
}

/** The tunnel targets, judged on this run's figures. */
export function checkTunnelTargets(figures: TunnelFigures): TargetCheck[] {
  const { throughput, start, memory } = figures;
  const checks: TargetCheck[] = [];
  for (const c of [1, 32]) {
    const r = throughput.ok ? throughput.value.ratios.find((cell) => cell.bodyBytes === 2 * KB && cell.concurrency === c) : undefined;
    checks.push(
      check(
        `tunnel+capture req/s ≥ 0.85× SDK-only tunnel (2 KB, c${c})`,
        r?.captureVsSdkReqPerSec,
        0.85,
        'atLeast',
        (v) => `${v.toFixed(2)}× (${times(r?.captureVsDirectReqPerSec)} of direct; a bare relay there: ${times(r?.relayVsSdkReqPerSec)})`,
        throughput.ok ? 'not measured' : throughput.error,
      ),
    );
  }
  checks.push(
    check(
      'Start Tunnel → URL shown ≤ 300 ms (local edge, fresh process)',
      start.ok ? start.value.toUrlMs : undefined,
      300,
      'atMost',
      (v) => `${v.toFixed(1)} ms median (SDK load ${start.ok ? num(start.value.sdkLoadMs, 1) : '—'} ms)`,
      start.ok ? 'not measured' : start.error,
    ),
  );
  checks.push(
    check(
      `memory added by a running tunnel ≤ 25 MB (RSS outside V8's young generation, after ${memory.ok ? memory.value.requests : 1000} requests)`,
      memory.ok ? memory.value.addedOutsideYoungBytes / MB : undefined,
      25,
      'atMost',
      (v) =>
        `${v.toFixed(1)} MB (whole RSS: +${memory.ok ? (memory.value.addedBytes / MB).toFixed(1) : '—'} MB right after, ` +
        `+${memory.ok ? (addedAtRest(memory.value).bytes / MB).toFixed(1) : '—'} MB at rest; ` +
        `SDK alone: ${memory.ok && memory.value.sdkOnly.ok ? (memory.value.sdkOnly.value.addedOutsideYoungBytes / MB).toFixed(1) : '—'} MB)`,
      memory.ok ? 'not measured' : memory.error,
    ),
  );
  return checks;
}
