import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A WebSocket at the byte level: a real handshake, then frames exactly as the test builds them —
 * including the ones no client library would send (bad UTF-8, lying lengths, unmasked, reserved bits).
 */
export interface RawSocket {
  socket: Socket;
  /** Resolves when the host closes the connection (or after `limitMs`, destroying it). */
  closed(limitMs?: number): Promise<{ closedByHost: boolean; closeCode: number | null }>;
}

export function openRawSocket(port: number, token: string): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let upgraded = false;
    let closedByHost = false;
    const ended = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => undefined);
    socket.on('end', () => (closedByHost = true));
    socket.on('connect', () => {
      socket.write(
        `GET /rpc?token=${encodeURIComponent(token)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
          `Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (upgraded) return;
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!received.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) {
        socket.destroy();
        reject(new Error(`handshake refused: ${received.subarray(0, end).toString()}`));
        return;
      }
      upgraded = true;
      received = received.subarray(end + 4);
      resolve({
        socket,
        closed: async (limitMs = 2000) => {
          const timer = setTimeout(() => socket.destroy(), limitMs);
          await ended;
          clearTimeout(timer);
          return { closedByHost, closeCode: closeCodeOf(received) };
        },
      });
    });
    socket.once('close', () => {
      if (!upgraded) reject(new Error('closed before the handshake'));
    });
  });
}

/** The status code of the first close frame (opcode 8) the host sent, if any. */
function closeCodeOf(data: Buffer): number | null {
  let at = 0;
  while (at + 2 <= data.length) {
    const opcode = data[at] & 0x0f;
    let length = data[at + 1] & 0x7f;
    let header = 2;
    if (length === 126) {
      if (at + 4 > data.length) return null;
      length = data.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      if (at + 10 > data.length) return null;
      length = Number(data.readBigUInt64BE(at + 2));
      header = 10;
    }
    if (opcode === 8) return length >= 2 && at + header + 2 <= data.length ? data.readUInt16BE(at + header) : null;
    at += header + length;
  }
  return null;
}

export interface FrameOptions {
  fin?: boolean;
  /** Clients must mask; false sends an unmasked (illegal) client frame. */
  mask?: boolean;
  /** Length to announce in the header instead of the payload's real length. */
  declaredLength?: bigint;
  rsv?: number;
}

/** One WebSocket frame as a client would put it on the wire. */
export function frame(opcode: number, payload: Uint8Array, options: FrameOptions = {}): Buffer {
  const mask = options.mask ?? true;
  const length = options.declaredLength ?? BigInt(payload.length);
  const head = [((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode];
  let extended = Buffer.alloc(0);
  if (length < 126n) head.push((mask ? 0x80 : 0) | Number(length));
  else if (length < 0x10000n) {
    head.push((mask ? 0x80 : 0) | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(Number(length));
  } else {
    head.push((mask ? 0x80 : 0) | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(length);
  }
  const key = mask ? randomBytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload);
  if (mask) for (let i = 0; i < body.length; i += 1) body[i] ^= key[i % 4];
  return Buffer.concat([Buffer.from(head), extended, key, body]);
}

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;
