// Runs the LOCAL ngrok-compatible test edge as a process (it is not ngrok).
//
//   node out/test/edge/cli.js [--host 127.0.0.1] [--server-port 0] [--public-port 0] [--control-port 0]
//                             [--ca-path FILE] [--domain localhost] [--reap-after-ms N]
//                             [--ack-policy every-read|syn-and-wndinc|off] [--no-forwarded-headers] [--quiet]
//
// stdout gets exactly one JSON line once everything listens:
//   {"serverAddr":"127.0.0.1:PORT","publicPort":N,"controlPort":N,"caPath":"/tmp/…/ca.pem","domain":"localhost"}
// Everything else (banner, connection log) goes to stderr. SIGINT/SIGTERM or POST /shutdown stop it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEdge } from './localEdge';
import type { LocalEdgeOptions } from './localEdge';
import type { AckPolicy } from './muxadoSession';

interface CliOptions {
  readonly edge: LocalEdgeOptions;
  readonly caPath: string | null;
  readonly quiet: boolean;
}

const USAGE =
  'Usage: node out/test/edge/cli.js [--host H] [--server-port N] [--public-port N] [--control-port N] [--ca-path FILE]\n' +
  '                                 [--domain D] [--reap-after-ms N] [--ack-policy every-read|syn-and-wndinc|off]\n' +
  '                                 [--no-forwarded-headers] [--quiet]';

function parseArgs(argv: readonly string[]): CliOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      process.stderr.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (arg === '--no-forwarded-headers' || arg === '--quiet') {
      flags.add(arg);
      continue;
    }
    const [name, inline] = arg.split('=', 2);
    if (!name?.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    values.set(name, value);
  }
  const port = (name: string): number | undefined => {
    const raw = values.get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number (0 = any free port)`);
    return n;
  };
  const known = ['--host', '--server-port', '--public-port', '--control-port', '--ca-path', '--domain', '--reap-after-ms', '--ack-policy'];
  for (const name of values.keys()) if (!known.includes(name)) throw new Error(`unknown option ${name}`);
  const ackPolicy = values.get('--ack-policy');
  if (ackPolicy !== undefined && !['every-read', 'syn-and-wndinc', 'off'].includes(ackPolicy)) throw new Error('--ack-policy must be every-read, syn-and-wndinc or off');
  const reap = values.get('--reap-after-ms');
  if (reap !== undefined && !(Number(reap) > 0)) throw new Error('--reap-after-ms must be a positive number of milliseconds');
  const host = values.get('--host');
  const domain = values.get('--domain');
  const serverPort = port('--server-port');
  const publicPort = port('--public-port');
  const edge: LocalEdgeOptions = {
    ...(host !== undefined && { host }),
    ...(serverPort !== undefined && { serverPort }),
    ...(publicPort !== undefined && { publicPort }),
    controlPort: port('--control-port') ?? 0,
    ...(domain !== undefined && { domain }),
    ...(reap !== undefined && { reapAfterMs: Number(reap) }),
    ...(ackPolicy !== undefined && { ackPolicy: ackPolicy as AckPolicy }),
    forwardedHeaders: !flags.has('--no-forwarded-headers'),
  };
  return { edge, caPath: values.get('--ca-path') ?? null, quiet: flags.has('--quiet') };
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`local-edge: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  const tempDir = options.caPath ? null : mkdtempSync(join(tmpdir(), 'webhook-tunnel-local-edge-'));
  const caPath = options.caPath ?? join(tempDir ?? tmpdir(), 'ca.pem');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const edge = await LocalEdge.start({ ...options.edge, caPath, ...(!options.quiet && { log }) });

  process.stdout.write(`${JSON.stringify({ serverAddr: edge.serverAddr, publicPort: edge.publicPort, controlPort: edge.controlPort, caPath, domain: edge.domain })}\n`);
  log(
    [
      '================================================================',
      ' This is a LOCAL ngrok-compatible TEST EDGE, NOT ngrok.',
      ' Nothing is exposed to the internet; URLs only work on this machine.',
      ` Agents (SDK server_addr): ${edge.serverAddr}   CA certificate: ${caPath}`,
      ` Public side: http://<name>.${edge.domain}:${edge.publicPort}/   Control API: http://${edge.host}:${edge.controlPort ?? '-'}/status`,
      '================================================================',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log(`[local-edge] stopping (${why})`);
    await edge.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  void edge.whenClosed.then(() => stop('shutdown requested'));
}

main().catch((error: unknown) => {
  process.stderr.write(`local-edge: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
