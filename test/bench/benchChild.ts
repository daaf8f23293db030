import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ChildMessage, EdgeChildSpec, MemoryFigures, ReadyMessage, ServerChildSpec, TunnelChildSpec } from './childProtocol';

/** Each child spec's entry script (compiled, beside this file). */
function entryOf(spec: ServerChildSpec | EdgeChildSpec | TunnelChildSpec): string {
  if (spec.role === 'edge') return 'edgeChild.js';
  if (spec.role === 'tunnelCapture' || spec.role === 'tunnelSdk' || spec.role === 'tunnelRelay') return 'tunnelChild.js';
  return 'serverChild.js';
}

/** The parent's handle on a server child (serverChild.ts, edgeChild.ts, tunnelChild.ts): its port, its pid for CPU readings, and requests. */
export class BenchChild {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (memory: MemoryFigures | undefined) => void; reject: (error: Error) => void }>();
  private exited: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly role: string,
    /** The child's `ready` message: for tunnels, the public URL (and memory readings in memory mode). */
    readonly ready: ReadyMessage,
  ) {
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'done') return;
      this.waiting.get(message.id)?.resolve(message.memory);
      this.waiting.delete(message.id);
    });
    child.once('exit', (code, signal) => {
      this.exited = `the ${role} child exited (${signal ?? code})`;
      for (const { reject } of this.waiting.values()) reject(new Error(this.exited));
      this.waiting.clear();
    });
  }

  static start(spec: ServerChildSpec | EdgeChildSpec | TunnelChildSpec, execArgv: readonly string[] = []): Promise<BenchChild> {
    const child = fork(join(__dirname, entryOf(spec)), [JSON.stringify(spec)], { execArgv: [...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the ${spec.role} child exited (${code}) before it was ready`)));
      child.once('message', (message: ChildMessage) => {
        if (message.type === 'ready') resolve(new BenchChild(child, message.port, spec.role, message));
        else reject(new Error(`the ${spec.role} child failed to start: ${message.type === 'failed' ? message.message : message.type}`));
      });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`the ${this.role} child has no pid`);
    return this.child.pid;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  settle(): Promise<void> {
    return this.ask('settle').then(() => undefined);
  }

  async memory(): Promise<MemoryFigures> {
    const memory = await this.ask('memory');
    if (!memory) throw new Error(`the ${this.role} child sent no memory figures`);
    return memory;
  }

  /** Asks the child to close its server and exit, and waits for the exit (profiles are written then). */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.ask('close').catch(() => undefined);
    await exited;
  }

  /** Last resort for an exiting parent: synchronous, no waiting. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private ask(type: 'settle' | 'memory' | 'close'): Promise<MemoryFigures | undefined> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, type });
    });
  }
}
