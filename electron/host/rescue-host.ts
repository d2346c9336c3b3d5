import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENT_NAMES } from '../../shared/contract';
import { WsRequestSchema } from '../../shared/contract/envelope';
import { contentSecurityPolicy } from '../main/security-policy';
import type { Dispatch } from '../rpc/dispatcher';
import type { EventBus } from '../rpc/event-bus';
import { checkSocket, isAllowedHost } from './host-guard';
import { loadStatic } from './static-files';

export interface RescueHostOptions {
  port: number;
  staticDir: string;
  dispatch: Dispatch;
  bus: EventBus;
  /** Fresh random token per start unless given (tests). */
  token?: string;
  /** Largest accepted WebSocket message; firmware uploads travel as base64. */
  maxMessageBytes?: number;
}

export interface RunningHost {
  url: string;
  port: number;
  token: string;
  clients(): number;
  close(): Promise<void>;
}

const DEFAULT_MAX_MESSAGE = 48 * 1024 * 1024;

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * Browser mode: serves the built renderer and the contract over a WebSocket, on 127.0.0.1 only.
 * The same dispatcher as Electron IPC sits behind it, so both transports call the very same services.
 */
export async function startRescueHost(options: RescueHostOptions): Promise<RunningHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const sockets = new Set<WebSocket>();
  let port = options.port;

  const server: Server = createServer(async (req, res) => {
    if (!isAllowedHost(req.headers.host, port)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Open the rescue host through 127.0.0.1 or localhost.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = await loadStatic(options.staticDir, req.url ?? '/');
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Security-Policy': contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/rpc') return refuse(socket, 404, 'Not Found');
    const verdict = checkSocket({ host: req.headers.host, origin: req.headers.origin, token: url.searchParams.get('token') }, port, token);
    if (!verdict.ok) return refuse(socket, verdict.status, verdict.reason);
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => void answer(ws, data.toString()));
    });
  });

  async function answer(ws: WebSocket, text: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = null;
    }
    const request = WsRequestSchema.safeParse(raw);
    if (!request.success) {
      ws.send(JSON.stringify({
        type: 'reply',
        id: -1,
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'The rescue host received a malformed message.', fix: 'Reload the page.' },
      }));
      return;
    }
    const envelope = await options.dispatch(request.data.method, request.data.input, { transport: 'browser' });
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'reply', id: request.data.id, ...envelope }));
  }

  const unsubscribe = options.bus.subscribe((event, payload) => {
    if (!EVENT_NAMES.includes(event)) return;
    const frame = JSON.stringify({ type: 'event', event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
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
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
