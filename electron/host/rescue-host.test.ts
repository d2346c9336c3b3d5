import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dispatch } from '../rpc/dispatcher';
import { EventBus } from '../rpc/event-bus';
import { startRescueHost, type RunningHost } from './rescue-host';
import { rawExchange, rawGet, securityHeaderProblems, wsClient, wsUrl } from './testing/host-client';
import { openRawSocket } from './testing/raw-websocket';

const SECRET = 'SECRET-next-to-the-renderer';
const calls: string[] = [];
const dispatch: Dispatch = async (method) => {
  calls.push(String(method));
  if (method === 'test.throws') throw new Error('a handler bug past the dispatcher');
  if (method === 'test.bigint') return { ok: true, value: { big: 1n } };
  return { ok: true, value: { method } };
};

let host: RunningHost;
const bus = new EventBus();
const logged: string[] = [];

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'rescue-host-'));
  const staticDir = join(base, 'renderer');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
  host = await startRescueHost({ port: 0, staticDir, dispatch, bus, maxMessageBytes: 64 * 1024, maxBufferedBytes: 1024 * 1024, log: (m) => logged.push(m) });
});
afterAll(() => host.close());

describe('rescue host HTTP: every request is answered, with the security headers', () => {
  it('serves the app with CSP (our socket only), COOP, CORP and no caching', async () => {
    const res = await rawGet(host.port, '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>app</title>');
    expect(securityHeaderProblems(res.headers)).toEqual([]);
    expect(res.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port}`);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['/%ff', 400],
    ['/%', 400],
    ['/assets/%e0%a4%a.js', 400],
    ['/a%00b', 400],
    ['/..%2fsecret.txt', 403],
    ['/..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd', 403],
    ['/%2e%2e/secret.txt', 403],
    ['/assets/missing.js', 404],
  ])('GET %s → %i with the headers, and the host lives on', async (path, status) => {
    const res = await rawGet(host.port, path);
    expect(res.status).toBe(status);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('root:');
    expect(securityHeaderProblems(res.headers)).toEqual([]);
    expect((await rawGet(host.port, '/')).status).toBe(200);
  });

  it('refuses a foreign Host (421) and other methods (405), with the headers', async () => {
    const rebound = await rawGet(host.port, '/', `rebind.example:${host.port}`);
    expect(rebound.status).toBe(421);
    expect(securityHeaderProblems(rebound.headers)).toEqual([]);
    const post = await rawExchange(host.port, `POST / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    expect(post.status).toBe(405);
    expect(securityHeaderProblems(post.headers)).toEqual([]);
  });

  it('answers garbage and overlong requests with 400 / 431 and the headers', async () => {
    const garbage = await rawExchange(host.port, 'GET\0\0 / \x01\x02 HTTP/9\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(securityHeaderProblems(garbage.headers)).toEqual([]);
    const overlong = await rawExchange(host.port, `GET /${'a'.repeat(80_000)} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`);
    expect(overlong.status).toBe(431);
    expect(securityHeaderProblems(overlong.headers)).toEqual([]);
  });

  it('refuses WebSocket upgrades with a status and the headers: wrong path, wrong token of the right length, bad URL', async () => {
    const upgrade = (path: string) =>
      rawExchange(
        host.port,
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nOrigin: http://127.0.0.1:${host.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
    const wrongToken = [...host.token].map((c, i) => (i === 3 ? (c === 'x' ? 'y' : 'x') : c)).join('');
    expect(wrongToken).toHaveLength(host.token.length);
    for (const [path, status] of [
      ['/other', 404],
      [`/rpc?token=${wrongToken}`, 401],
      ['/rpc', 401],
      ['//[', 400],
    ] as const) {
      const res = await upgrade(path);
      expect([path, res.status]).toEqual([path, status]);
      expect(securityHeaderProblems(res.headers)).toEqual([]);
    }
  });

  it('survives a client that resets the connection in the middle of a handshake', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(host.port, '127.0.0.1', () => {
        socket.write(`GET /rpc?token=${host.token} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nOrigin: http://127.0.0.1:${host.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n`);
        socket.resetAndDestroy();
        resolve();
      });
    });
    expect((await rawGet(host.port, '/')).status).toBe(200);
  });
});

describe('rescue host WebSocket: a bad client is closed alone', () => {
  it('an over-size message closes that client with 1009; the other client carries on', async () => {
    const good = await wsClient(host);
    const bad = await wsClient(host);
    const closed = bad.closed();
    bad.ws.send('x'.repeat(100 * 1024));
    expect((await closed).code).toBe(1009);
    expect(await good.call('app.info', {})).toMatchObject({ ok: true, value: { method: 'app.info' } });
    expect(host.clients()).toBe(1);
    good.ws.close();
  });

  it('a text frame with invalid UTF-8 closes that client with 1007; the other client carries on', async () => {
    const good = await wsClient(host);
    const bad = await wsClient(host);
    const closed = bad.closed();
    bad.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0xc0, 0xaf, 0x7d]), { binary: false });
    expect((await closed).code).toBe(1007);
    expect(await good.call('devices.list', {})).toMatchObject({ ok: true });
    good.ws.close();
  });

  it('answers malformed JSON and envelope-less frames with INVALID_INPUT and keeps the socket', async () => {
    const client = await wsClient(host);
    for (const text of ['not json', '{"type":"call"}', '[]', 'null', '{"type":"call","id":-1,"method":"app.info"}']) {
      expect(await client.next(() => client.ws.send(text))).toMatchObject({ type: 'reply', id: -1, ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(await client.call('app.info', {})).toMatchObject({ ok: true });
    client.ws.close();
  });

  it('answers a call whose dispatch throws, or whose value JSON cannot carry, with an error for that id', async () => {
    const client = await wsClient(host);
    expect(await client.call('test.throws', {})).toMatchObject({ type: 'reply', ok: false, error: { code: 'INTERNAL' } });
    expect(await client.call('test.bigint', {})).toMatchObject({ type: 'reply', ok: false, error: { code: 'INTERNAL' } });
    expect(await client.call('app.info', {})).toMatchObject({ ok: true });
    client.ws.close();
  });

  it('a client that stops reading is dropped once its queue passes the limit; the others keep their events', async () => {
    const good = await wsClient(host);
    const slow = await openRawSocket(host.port, host.token);
    slow.socket.pause();
    let events = 0;
    good.ws.on('message', (data) => {
      if (JSON.parse(data.toString()).type === 'event') events += 1;
    });
    const line = 'x'.repeat(256 * 1024);
    const before = host.clients();
    for (let i = 0; i < 64 && host.clients() === before; i += 1) {
      bus.emit('logs.lines', { deviceId: '0123456789abcdef01234567', lines: [line] } as never);
      await new Promise((r) => setImmediate(r));
    }
    expect(host.clients()).toBe(before - 1);
    expect(logged.some((m) => /stopped reading/.test(m))).toBe(true);
    await expect.poll(() => events).toBeGreaterThan(0);
    expect(await good.call('app.info', {})).toMatchObject({ ok: true });
    slow.socket.destroy();
    good.ws.close();
  });

  it('logs what it closed, where the operation log can show it', () => {
    expect(logged.some((m) => /client closed/.test(m))).toBe(true);
  });

  it('the token in the socket address is the one the host printed', () => {
    expect(wsUrl(host)).toContain(`token=${host.token}`);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
  });
});

describe('rescue host: its own failures', () => {
  it('a request the host itself fails on is answered 500, with the headers, and logged', async () => {
    const log: string[] = [];
    const broken = await startRescueHost({ port: 0, staticDir: undefined as unknown as string, dispatch, bus: new EventBus(), log: (m) => log.push(m) });
    try {
      const res = await rawGet(broken.port, '/index.html');
      expect(res.status).toBe(500);
      expect(securityHeaderProblems(res.headers)).toEqual([]);
      expect(log.some((m) => m.includes('/index.html failed'))).toBe(true);
      expect((await rawGet(broken.port, '/%ff')).status).toBe(400);
    } finally {
      await broken.close();
    }
  });
});

describe('rescue host: the message limit', () => {
  it('by default takes two full firmware sets as base64, and not a 40 MB pick', async () => {
    const { DEFAULT_MAX_MESSAGE } = await import('./rescue-host');
    const { base64Length, FIRMWARE_SET_MAX_BYTES } = await import('../../shared/contract/firmware');
    expect(DEFAULT_MAX_MESSAGE).toBeGreaterThan(base64Length(2 * FIRMWARE_SET_MAX_BYTES));
    expect(DEFAULT_MAX_MESSAGE).toBeLessThan(base64Length(40 * 1024 * 1024));
  });
});
