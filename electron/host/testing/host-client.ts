import { connect } from 'node:net';
import WebSocket from 'ws';
import { responseSecurityHeaders } from '../../security/content-policy';
import type { RunningHost } from '../rescue-host';

export interface RawResponse {
  /** 0 when the host closed the connection without an HTTP answer. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends bytes exactly as given on a fresh TCP connection and reads one HTTP answer (or the close).
 * A real client library would refuse to send most of what these tests send.
 */
export function rawExchange(port: number, request: string | Uint8Array, options: { endAfterWrite?: boolean } = {}): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(parse(data));
    };
    socket.on('connect', () => {
      socket.write(request);
      // Half-closing tells the host the request is all there is, so an incomplete one is answered or dropped at once.
      if (options.endAfterWrite) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const parsed = parse(data);
      const length = Number(parsed.headers['content-length'] ?? NaN);
      if (parsed.status !== 0 && Number.isFinite(length) && Buffer.byteLength(parsed.body) >= length) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
  });
}

function parse(data: Buffer): RawResponse {
  const text = data.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '' };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: data.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1')).toString('utf8') };
}

export function rawGet(port: number, path: string, hostHeader = `127.0.0.1:${port}`): Promise<RawResponse> {
  return rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\n\r\n`);
}

/** Names of the security headers missing from (or different in) a response; [] when all are there. */
export function securityHeaderProblems(headers: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(responseSecurityHeaders())) {
    const got = headers[name.toLowerCase()];
    if (got === undefined) problems.push(`${name} missing`);
    else if (name !== 'Content-Security-Policy' && got !== value) problems.push(`${name}: ${got}`);
  }
  const csp = headers['content-security-policy'] ?? '';
  if (csp && !csp.includes("default-src 'none'")) problems.push('Content-Security-Policy is not the app policy');
  return problems;
}

export function wsUrl(host: RunningHost, token = host.token): string {
  return `ws://127.0.0.1:${host.port}/rpc?token=${encodeURIComponent(token)}`;
}

export interface Frame {
  type: string;
  id?: number;
  ok?: boolean;
  value?: unknown;
  error?: { code: string };
}

/** A browser-mode client with the right Origin: calls by id, waits for frames and for its close. */
export interface HostClient {
  ws: WebSocket;
  call(method: string, input: unknown): Promise<Frame>;
  /** Runs `action` and resolves with the next reply frame that follows. */
  next(action: () => void): Promise<Frame>;
  closed(): Promise<{ code: number }>;
}

export function wsClient(host: RunningHost): Promise<HostClient> {
  const ws = new WebSocket(wsUrl(host), { headers: { Origin: `http://127.0.0.1:${host.port}` } });
  let nextId = 1;
  const waiting: ((frame: Frame) => void)[] = [];
  const byId = new Map<number, (frame: Frame) => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    if (frame.type !== 'reply') return;
    const resolve = frame.id !== undefined && byId.get(frame.id);
    if (resolve) {
      byId.delete(frame.id!);
      resolve(frame);
    } else waiting.shift()?.(frame);
  });
  const closed = new Promise<{ code: number }>((resolve) => ws.on('close', (code) => resolve({ code })));
  // The host closing a bad client surfaces here too; the close code is what the tests look at.
  ws.on('error', () => undefined);
  const client: HostClient = {
    ws,
    call: (method, input) =>
      new Promise((resolve) => {
        const id = nextId++;
        byId.set(id, resolve);
        ws.send(JSON.stringify({ type: 'call', id, method, input }));
      }),
    next: (action) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        action();
      }),
    closed: () => closed,
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
