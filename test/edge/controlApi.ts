// A tiny JSON-over-HTTP control port, so another process (a VS Code extension-host test, a
// script) can drive the edge. Every route maps onto one EdgeControl method; see ROUTES below.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Refusal } from './edgeRecords';
import type { EdgeControl, GoAwayOptions, SessionFilter, StopTunnelOptions } from './localEdge';
import { isObject } from './protocol';
import type { AgentCommand } from './rpc';

type Body = Readonly<Record<string, unknown>>;
type Handler = (edge: EdgeControl, body: Body, params: readonly string[]) => unknown;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const optionalString = (body: Body, key: string): string | undefined => {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, `${key} must be a string`);
  return value;
};
const optionalNumber = (body: Body, key: string): number | undefined => {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new HttpError(400, `${key} must be a number`);
  return value;
};

function filterOf(body: Body): SessionFilter {
  const sessionId = optionalString(body, 'sessionId');
  const connectionId = optionalString(body, 'connectionId');
  return { ...(sessionId !== undefined && { sessionId }), ...(connectionId !== undefined && { connectionId }) };
}

function refusalOf(body: Body): Refusal {
  const code = optionalString(body, 'code');
  if (!code) throw new HttpError(400, 'code is required, e.g. {"code":"ERR_NGROK_105"}');
  const message = optionalString(body, 'message');
  const times = optionalNumber(body, 'times');
  return { code, ...(message !== undefined && { message }), ...(times !== undefined && { times }) };
}

function commandOf(body: Body): AgentCommand {
  const kind = optionalString(body, 'kind');
  if (kind === 'stop' || kind === 'restart') return { kind };
  if (kind === 'update') return { kind, Version: optionalString(body, 'version') ?? '9.9.9', PermitMajorVersion: body.permitMajorVersion === true };
  throw new HttpError(400, 'kind must be "stop", "restart" or "update"');
}

/** `METHOD /path` (`:id` matches one segment) → handler. */
export const ROUTES: Readonly<Record<string, Handler>> = {
  'GET /status': (edge) => ({ local: true, serverAddr: edge.serverAddr, publicPort: edge.publicPort, controlPort: edge.controlPort, caPath: edge.caPath, domain: edge.domain }),
  'GET /ca.pem': (edge) => edge.caPem,
  'GET /sessions': (edge, body) => edge.sessions({ includeClosed: body.all === 'true' || body.all === '1' }),
  'GET /tunnels': (edge) => edge.tunnels(),
  'GET /tunnels/:id/policy': (edge, _body, [id = '']) => {
    if (!edge.tunnels().some((t) => t.id === id)) throw new HttpError(404, `no tunnel ${id}`);
    return { tunnelId: id, policy: edge.policyOf(id) };
  },
  'GET /records': (edge) => edge.records,
  'DELETE /records': (edge) => (edge.clearRecords(), { cleared: true }),
  'POST /refuse-auth': (edge, body) => (edge.refuseAuth(refusalOf(body)), { refusing: 'auth' }),
  'DELETE /refuse-auth': (edge) => (edge.refuseAuth(null), { refusing: null }),
  'POST /refuse-bind': (edge, body) => (edge.refuseBind(refusalOf(body)), { refusing: 'bind' }),
  'DELETE /refuse-bind': (edge) => (edge.refuseBind(null), { refusing: null }),
  'POST /drop': (edge, body) => ({ count: edge.dropConnections(filterOf(body)) }),
  'POST /goaway': (edge, body) => {
    const code = optionalNumber(body, 'code');
    const message = optionalString(body, 'message');
    const closeAfterMs = optionalNumber(body, 'closeAfterMs');
    const options: GoAwayOptions = { ...(code !== undefined && { code }), ...(message !== undefined && { message }), ...(closeAfterMs !== undefined && { closeAfterMs }) };
    return { count: edge.goAway(filterOf(body), options) };
  },
  'POST /silent': (edge, body) => ({ count: edge.goSilent(filterOf(body)) }),
  'POST /resume': (edge, body) => ({ count: edge.resume(filterOf(body)) }),
  'POST /tunnels/:id/stop': (edge, body, [id = '']) => {
    const message = optionalString(body, 'message');
    const errorCode = optionalString(body, 'errorCode');
    const options: StopTunnelOptions = { ...(message !== undefined && { message }), ...(errorCode !== undefined && { errorCode }) };
    if (!edge.stopTunnel(id, options)) throw new HttpError(404, `no online tunnel ${id}`);
    return { stopped: id };
  },
  'POST /command': (edge, body) => edge.sendCommand(commandOf(body), filterOf(body)),
  'POST /shutdown': (edge) => {
    setImmediate(() => void edge.close());
    return { closing: true };
  },
};

function match(method: string, path: string): { readonly handler: Handler; readonly params: string[] } | null {
  const segments = path.split('/').filter(Boolean);
  for (const [key, handler] of Object.entries(ROUTES)) {
    const [routeMethod, routePath = ''] = key.split(' ');
    const routeSegments = routePath.split('/').filter(Boolean);
    if (routeMethod !== method || routeSegments.length !== segments.length) continue;
    const params: string[] = [];
    if (routeSegments.every((segment, i) => (segment.startsWith(':') ? (params.push(decodeURIComponent(segments[i] ?? '')), true) : segment === segments[i]))) return { handler, params };
  }
  return null;
}

async function readBody(request: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
  if (!isObject(parsed)) throw new HttpError(400, 'the body must be a JSON object');
  return parsed;
}

export class ControlApiServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(getEdge: () => EdgeControl | null, host: string, port: number): Promise<ControlApiServer> {
    const server = createServer((request, response) => void handle(getEdge(), request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return new ControlApiServer(server, (server.address() as AddressInfo).port);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function handle(edge: EdgeControl | null, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const send = (status: number, body: unknown) => {
    const text = typeof body === 'string' ? body : `${JSON.stringify(body, null, 2)}\n`;
    response.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'application/x-pem-file' : 'application/json', 'Cache-Control': 'no-store' });
    response.end(text);
  };
  try {
    if (!edge) throw new HttpError(503, 'the edge is starting');
    const url = new URL(request.url ?? '/', 'http://control');
    const route = match(request.method ?? 'GET', url.pathname);
    if (!route) throw new HttpError(404, `no route ${request.method ?? ''} ${url.pathname}; routes: ${Object.keys(ROUTES).join(', ')}`);
    const body = request.method === 'GET' ? Object.fromEntries(url.searchParams) : await readBody(request);
    send(200, await route.handler(edge, body, route.params));
  } catch (error) {
    send(error instanceof HttpError ? error.status : 500, { error: error instanceof Error ? error.message : String(error) });
  }
}
