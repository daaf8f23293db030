// Request/response exchanges over typed streams, both directions:
// - agent → edge RPCs (Auth, Bind, Unbind, StartTunnelWithLabel): the agent writes the type and a
//   JSON request without FIN and reads to EOF, so we parse incrementally, answer once, then FIN;
// - edge → agent commands (Stop, Restart, Update answer with a CommandResp; StopTunnel does not).
import type { MuxadoSession } from './muxadoSession';
import type { MuxadoStream } from './muxadoStream';
import { errorBody, parseCommandResponse, StreamType } from './protocol';
import type { CommandResponse, StopTunnelCommand, UpdateCommand } from './protocol';
import { StreamReader } from './streamReader';

export type RpcHandler = (request: unknown) => object | Promise<object>;

/** Reads one JSON request, writes the handler's JSON answer and FIN. Bad requests get an `{"Error"}` answer. */
export async function serveRpc(stream: MuxadoStream, reader: StreamReader, handler: RpcHandler): Promise<void> {
  let response: object;
  try {
    response = await handler(await reader.readJson());
  } catch (error) {
    response = errorBody(undefined, `local test edge: bad request: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!stream.destroyed) stream.end(JSON.stringify(response));
}

/** The 4-byte big-endian stream type that starts every typed stream. */
export function typePrefix(type: number): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(type >>> 0, 0);
  return prefix;
}

export type AgentCommand = { readonly kind: 'stop' } | { readonly kind: 'restart' } | ({ readonly kind: 'update' } & UpdateCommand);

/** Sends Stop, Restart or Update and returns the agent's answer (`{}` when it has a handler). */
export async function sendCommand(session: MuxadoSession, command: AgentCommand, timeoutMs: number): Promise<CommandResponse> {
  const stream = session.openStream();
  const reader = new StreamReader(stream);
  const type = command.kind === 'stop' ? StreamType.Stop : command.kind === 'restart' ? StreamType.Restart : StreamType.Update;
  const body = command.kind === 'update' ? { Version: command.Version, PermitMajorVersion: command.PermitMajorVersion } : {};
  stream.end(Buffer.concat([typePrefix(type), Buffer.from(JSON.stringify(body))]));
  let timer: NodeJS.Timeout | undefined;
  try {
    // On success the agent's FIN follows its answer and the stream cleans itself up.
    return await Promise.race([
      reader.readJson().then(parseCommandResponse),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer to the ${command.kind} command within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    stream.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Sends StopTunnel (no answer expected). The agent drops the tunnel; forward() rejects. */
export function sendStopTunnel(session: MuxadoSession, command: StopTunnelCommand): void {
  const stream = session.openStream();
  stream.on('error', () => undefined);
  stream.resume(); // discard whatever comes back; FIN from the agent ends it
  stream.end(Buffer.concat([typePrefix(StreamType.StopTunnel), Buffer.from(JSON.stringify(command))]));
}
