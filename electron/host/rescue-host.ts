import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { EVENT_NAMES } from '../../shared/contract';
import { WsRequestSchema, type Envelope } from '../../shared/contract/envelope';
import { toErrorData } from '../../shared/errors';
import { base64Length, FIRMWARE_SET_MAX_BYTES } from '../../shared/contract/firmware';
import type { Dispatch } from '../rpc/dispatcher';
import type { EventBus } from '../rpc/event-bus';
import { responseSecurityHeaders } from '../security/content-policy';
import { checkSocket, isAllowedHost } from './host-guard';
import { resolveStatic } from './static-files';

export interface RescueHostOptions {
  port: number;
  staticDir: string;
  dispatch: Dispatch;
  bus: EventBus;
  /** Fresh random token per start unless given (tests). */
  token?: string;
  /** Largest accepted WebSocket message; firmware uploads travel as base64. */
  maxMessageBytes?: number;
  /** Replies and events queued for one client beyond this and the client is dropped (it stopped reading). */
  maxBufferedBytes?: number;
  /** Where a misbehaving client is noted (the operation log); never the console of a test. */
  log?: (message: string) => void;
}

export interface RunningHost {
  url: string;
  port: number;
  token: string;
  clients(): number;
  close(): Promise<void>;
}

/**
 * Room for the largest legal call: two full firmware sets (a rescue's OS files and its application)
 * as base64, plus the JSON around them. Anything bigger is refused by ws before it is buffered whole.
 */
export const DEFAULT_MAX_MESSAGE = base64Length(2 * FIRMWARE_SET_MAX_BYTES) + 1024 * 1024;

/** A client that does not read its events is dropped rather than buffered without bound. */
const DEFAULT_MAX_BUFFERED = 64 * 1024 * 1024;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  421: 'Misdirected Request',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

/** An HTTP answer written straight onto a socket (upgrade refusals, unparsable requests), with the same headers. */
function rawAnswer(socket: Duplex, status: number, headers: Record<string, string>, body = ''): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const lines = [`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`, 'Connection: close', 'Content-Type: text/plain; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

/**
 * Browser mode: serves the built renderer and the contract over a WebSocket, on 127.0.0.1 only.
 * The same dispatcher as Electron IPC sits behind it, so both transports call the very same services.
 * Nothing a client sends can stop it: every request is answered (or its socket closed), every socket
 * has an error listener, and a bad WebSocket client is closed alone.
 */
export async function startRescueHost(options: RescueHostOptions): Promise<RunningHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const sockets = new Set<WebSocket>();
  const log = options.log ?? (() => undefined);
  let port = options.port;
  const headers = (): Record<string, string> => ({
    ...responseSecurityHeaders([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]),
    'Cache-Control': 'no-store',
  });

  function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { ...headers(), 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...extra });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, port)) return send(res, 421, 'Open the rescue host through 127.0.0.1 or localhost.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Only GET and HEAD are served here.', undefined, { Allow: 'GET, HEAD' });
    const result = await resolveStatic(options.staticDir, req.url ?? '/');
    switch (result.kind) {
      case 'file':
        return send(res, 200, result.body, result.type);
      case 'bad-request':
        return send(res, 400, 'The address is not valid (malformed percent-encoding).');
      case 'outside':
        return send(res, 403, 'That path is outside the app.');
      case 'not-found':
        return send(res, 404, 'Not found');
    }
  }

  const server: Server = createServer((req, res) => {
    res.on('error', () => res.destroy());
    serve(req, res).catch((error: unknown) => {
      log(`rescue host: request ${String(req.url).slice(0, 200)} failed: ${String(error)}`);
      try {
        send(res, 500, 'The rescue host could not answer this request.');
      } catch {
        res.destroy();
      }
    });
  });
  // Requests Node cannot parse (random bytes, overlong headers): answered with the same headers, then closed.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    rawAnswer(socket, error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400, headers());
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE });
  wss.on('error', (error) => log(`rescue host: WebSocket server: ${error.message}`));

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node takes its own error listener off an upgraded socket: without this a reset during the handshake kills the process.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (error) {
      log(`rescue host: upgrade failed: ${String(error)}`);
      rawAnswer(socket, 400, headers());
    }
  });

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/rpc') return rawAnswer(socket, 404, headers());
    const verdict = checkSocket({ host: req.headers.host, origin: req.headers.origin, token: url.searchParams.get('token') }, port, token);
    if (!verdict.ok) return rawAnswer(socket, verdict.status, headers(), verdict.reason);
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // Over-size or invalid UTF-8 frames: ws closes this client (1009 / 1007) and reports here; the host carries on.
      ws.on('error', (error) => {
        log(`rescue host: client closed: ${error.message}`);
        sockets.delete(ws);
        ws.terminate();
      });
      ws.on('message', (data: RawData) => {
        answer(ws, rawText(data)).catch((error: unknown) => log(`rescue host: answer failed: ${String(error)}`));
      });
    });
  }

  function reply(ws: WebSocket, frame: unknown): void {
    if (ws.readyState !== ws.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(frame);
    } catch (error) {
      // A value JSON cannot carry (a cycle, a BigInt): the caller still gets an answer to its id.
      log(`rescue host: frame not serialisable: ${String(error)}`);
      const id = (frame as { type?: string; id?: number }).type === 'reply' ? (frame as { id: number }).id : null;
      if (id === null) return;
      text = JSON.stringify({ type: 'reply', id, ok: false, error: toErrorData(error) });
    }
    ws.send(text, (error) => {
      if (error) log(`rescue host: reply not sent: ${error.message}`);
    });
    if (ws.bufferedAmount > (options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED)) {
      log('rescue host: a client stopped reading its replies; closed');
      ws.terminate();
    }
  }

  async function answer(ws: WebSocket, text: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = null;
    }
    const request = WsRequestSchema.safeParse(raw);
    if (!request.success) {
      reply(ws, {
        type: 'reply',
        id: -1,
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'The rescue host received a malformed message.', fix: 'Reload the page.' },
      });
      return;
    }
    let envelope: Envelope<unknown>;
    try {
      envelope = await options.dispatch(request.data.method, request.data.input, { transport: 'browser' });
    } catch (error) {
      log(`rescue host: ${request.data.method} threw past the dispatcher: ${String(error)}`);
      envelope = { ok: false, error: toErrorData(error) };
    }
    reply(ws, { type: 'reply', id: request.data.id, ...envelope });
  }

  const unsubscribe = options.bus.subscribe((event, payload) => {
    if (!EVENT_NAMES.includes(event)) return;
    const frame = { type: 'event', event, payload };
    for (const ws of sockets) reply(ws, frame);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log(`rescue host: server error: ${error.message}`));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    clients: () => sockets.size,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}
