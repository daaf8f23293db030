/**
 * `node out/test/bench/profileProxy.js ROLE BODY_BYTES CONCURRENCY REQUESTS [MAX_ENTRIES]`: one proxy (passThrough,
 * capture, captureBare = capture without the store, or naive) alone under load with --cpu-prof, printing its user/system CPU per request and the top
 * self-time frames. For finding out why a variant misses its CPU target, after `npm run bench` says it does.
 * System time matters here: file writes, copies and fsyncs run in the kernel and never show in a V8 profile.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchChild } from './benchChild';
import type { ServerChildSpec } from './childProtocol';
import { processCpuSplit } from './cpuTime';
import { runRound } from './loadGenerator';
import { webhookBody, webhookHeaders } from './payloads';
import { topSelfFrames } from './profileSummary';
import { percentile } from './stats';

async function main(): Promise<void> {
  const [role = 'capture', bodyArg = '2048', concurrencyArg = '1', requestsArg = '20000', maxEntriesArg = '1000'] = process.argv.slice(2);
  if (role !== 'passThrough' && role !== 'capture' && role !== 'captureBare' && role !== 'naive') throw new Error('ROLE is passThrough, capture, captureBare or naive');
  const [bodyBytes, concurrency, requests] = [Number(bodyArg), Number(concurrencyArg), Number(requestsArg)];
  const scratch = await mkdtemp(join(tmpdir(), 'webhook-tunnel-profile-'));
  const upstream = await BenchChild.start({ role: 'upstream' });
  const spec: ServerChildSpec = { role, upstream: upstream.origin, scratchDir: scratch, capture: { maxEntries: Number(maxEntriesArg), maxBodyBytes: 1024 * 1024, upstreamTimeoutMs: 30_000 } };
  const proxy = await BenchChild.start(spec, ['--cpu-prof', `--cpu-prof-dir=${scratch}`]);
  const body = webhookBody(bodyBytes);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = { port: proxy.port, path: '/webhooks/github', headers: webhookHeaders(body), body, agent };
  try {
    await runRound(target, concurrency, { requests: Math.ceil(requests / 5) });
    await proxy.settle();
    const before = processCpuSplit(proxy.pid);
    const result = await runRound(target, concurrency, { requests });
    await proxy.settle();
    const after = processCpuSplit(proxy.pid);
    const per = (micros: number): string => `${(micros / result.completed).toFixed(0)} µs`;
    console.log(`${role} ${bodyBytes} B c${concurrency}: ${result.completed} requests, ${(result.completed / (result.elapsedMs / 1000)).toFixed(0)} req/s, p50 ${percentile(result.latenciesMs, 50).toFixed(3)} ms`);
    console.log(`CPU per request: user ${per(after.user - before.user)}, system ${per(after.system - before.system)}`);
    await proxy.close();
    const profileName = (await readdir(scratch)).find((name) => name.endsWith('.cpuprofile'));
    if (!profileName) throw new Error('the proxy wrote no profile');
    const profile = JSON.parse(await readFile(join(scratch, profileName), 'utf8')) as Parameters<typeof topSelfFrames>[0];
    console.log('Top self time (whole run, warmup included):');
    for (const { frame, ms, share } of topSelfFrames(profile, 20)) console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${frame}`);
  } finally {
    agent.destroy();
    await proxy.close();
    await upstream.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
