import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort, waitForPort } from './ports';

/** A running `mitmdump` in reverse-proxy mode, writing every flow to a file: the heavyweight reference. */
export interface Mitmdump {
  readonly pid: number;
  readonly port: number;
  readonly version: string;
  /** Where it writes the flows it captures (`-w`). */
  readonly flowsPath: string;
  stop(): Promise<void>;
  /** Synchronous, for an exiting parent. */
  kill(): void;
}

export function findMitmdump(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'mitmdump');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function readVersion(executable: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(executable, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', () => resolve('unknown'));
    child.once('exit', () => resolve(/Mitmproxy:\s*(\S+)/.exec(text)?.[1] ?? 'unknown'));
  });
}

export async function startMitmdump(executable: string, upstreamOrigin: string, scratchDir: string): Promise<Mitmdump> {
  const version = await readVersion(executable);
  const port = await freePort();
  const flowsPath = join(scratchDir, 'mitmdump.flows');
  const args = [
    '--mode', `reverse:${upstreamOrigin}`,
    '--listen-host', '127.0.0.1',
    '--listen-port', String(port),
    '-w', flowsPath,
    // Quiet and quick to start: no per-flow console output, and its CA lives (and is generated) in a
    // throwaway folder instead of ~/.mitmproxy.
    '--set', 'termlog_verbosity=error',
    '--set', 'flow_detail=0',
    '--set', `confdir=${join(scratchDir, 'mitmproxy-conf')}`,
  ];
  const child = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `mitmdump exited (${signal ?? code}) ${stderr.trim()}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = `mitmdump could not start: ${error.message}`;
      resolve();
    });
  });
  const kill = (): void => {
    if (!exited) child.kill('SIGKILL');
  };
  try {
    await waitForPort(port, 30_000, () => exited);
  } catch (error) {
    kill();
    throw error;
  }
  if (child.pid === undefined) throw new Error('mitmdump has no pid');
  return {
    pid: child.pid,
    port,
    version,
    flowsPath,
    kill,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
