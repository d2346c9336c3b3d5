import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METHOD_NAMES } from '../../shared/contract';
import { createDispatcher } from '../rpc/dispatcher';
import { buildHandlers } from '../rpc/handlers';
import type { Services } from '../services/container';
import { createServices } from '../services/create-services';
import { startRescueHost, type RunningHost } from './rescue-host';
import { rawExchange, rawGet, securityHeaderProblems, wsClient, type HostClient } from './testing/host-client';
import { frame, OPCODE, openRawSocket } from './testing/raw-websocket';

/**
 * A real rescue host (real services on the virtual lab, default message limit) under a bounded storm of
 * hostile input: random bytes, malformed and overlong requests, encoded traversal, wrong tokens,
 * malformed, lying and huge WebSocket frames, invalid UTF-8, garbage messages. A bystander client stays
 * connected throughout; afterwards it and a fresh client must still get valid contract answers, and
 * the process must not have seen a single uncaught exception or unhandled rejection.
 * Bounded by run counts (a few seconds in all), seeded so a failure can be replayed.
 */
const SEED = Number(process.env.HOST_FUZZ_SEED ?? 20261127);
const SECRET = 'SECRET-beside-the-renderer';

let services: Services;
let host: RunningHost;
let bystander: HostClient;
const crashes: unknown[] = [];
const onCrash = (error: unknown): void => {
  crashes.push(error);
};

beforeAll(async () => {
  process.on('uncaughtExceptionMonitor', onCrash);
  process.on('unhandledRejection', onCrash);
  const base = mkdtempSync(join(tmpdir(), 'rescue-fuzz-'));
  const staticDir = join(base, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'void 0');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  services = await createServices({ transport: 'browser', dataDir: join(base, 'data'), hardware: false, labTiming: 'fast', readOnly: true, station: false });
  // Read-only dispatch: random calls reach every method's validation, and none of them changes anything.
  const dispatch = createDispatcher(buildHandlers(services, { transport: 'browser', openExternal: async () => false }), { readOnly: true, validateOutput: true });
  host = await startRescueHost({ port: 0, staticDir, dispatch, bus: services.bus });
  bystander = await wsClient(host);
});

afterAll(async () => {
  process.off('uncaughtExceptionMonitor', onCrash);
  process.off('unhandledRejection', onCrash);
  bystander?.ws.close();
  await host?.close();
  await services?.close();
});

const ANSWERS = [200, 400, 403, 404, 405, 421, 431];

async function stillServing(): Promise<void> {
  expect((await rawGet(host.port, '/')).status).toBe(200);
}

describe('rescue host fuzz: the HTTP side', () => {
  it('random bytes on the TCP port are answered with 400 (with the headers) or dropped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2048 }), async (bytes) => {
        const res = await rawExchange(host.port, bytes, { endAfterWrite: true });
        if (res.status !== 0) {
          expect(ANSWERS).toContain(res.status);
          expect(securityHeaderProblems(res.headers)).toEqual([]);
        }
      }),
      { numRuns: 50, seed: SEED },
    );
    await stillServing();
  });

  it('malformed, encoded-traversal and random URLs never crash, never leak, always carry the headers', async () => {
    const piece = fc.oneof(
      fc.constantFrom('%ff', '%', '%e0%a4', '%c0%af', '..', '..%2f', '..%2F', '%2e%2e', '%2e%2e%2f', '..%5c', '%00', '%252e%252e%252f', 'etc', 'passwd', 'secret.txt', 'assets', 'app.js', 'index.html', '?token=x', '#', '//', '\\'),
      fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)),
      fc.string({ maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 10 }), fc.constantFrom('/', ''), async (pieces, sep) => {
        const res = await rawExchange(host.port, `GET /${pieces.join(sep)} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`);
        expect(res.status).not.toBe(0);
        expect(ANSWERS).toContain(res.status);
        expect(securityHeaderProblems(res.headers)).toEqual([]);
        expect(res.body).not.toContain(SECRET);
        expect(res.body).not.toContain('root:x:0');
      }),
      { numRuns: 150, seed: SEED },
    );
    for (const [path, status] of [
      ['/%ff', 400],
      ['/..%2f..%2f..%2f..%2fetc/passwd', 403],
      ['/..%2fsecret.txt', 403],
      [`/${'%2e%2e%2f'.repeat(3000)}`, 431],
      [`/${'a'.repeat(100_000)}`, 431],
    ] as const) {
      const res = await rawGet(host.port, path);
      expect([path.slice(0, 40), res.status]).toEqual([path.slice(0, 40), status]);
    }
    await stillServing();
  });

  it('wrong tokens of the same length, wrong Origins and wrong Hosts never open a socket', async () => {
    const token = host.token;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: token.length, maxLength: token.length }).filter((t) => t !== token),
        fc.constantFrom(`http://127.0.0.1:${host.port}`, 'http://evil.example', 'null', ''),
        fc.constantFrom(`127.0.0.1:${host.port}`, `localhost:${host.port}`, `rebind.example:${host.port}`),
        async (wrong, origin, hostHeader) => {
          const res = await rawExchange(
            host.port,
            `GET /rpc?token=${encodeURIComponent(wrong)} HTTP/1.1\r\nHost: ${hostHeader}\r\nOrigin: ${origin}\r\nConnection: Upgrade\r\n` +
              `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
          );
          expect([401, 403, 421]).toContain(res.status);
          expect(securityHeaderProblems(res.headers)).toEqual([]);
        },
      ),
      { numRuns: 50, seed: SEED },
    );
    expect(host.clients()).toBe(1);
  });
});

describe('rescue host fuzz: the WebSocket side', () => {
  it('random bytes after a valid handshake close that socket only', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 1024 }), async (bytes) => {
        const raw = await openRawSocket(host.port, host.token);
        raw.socket.write(bytes);
        raw.socket.end();
        await raw.closed();
      }),
      { numRuns: 40, seed: SEED },
    );
    expect(await bystander.call('app.info', {})).toMatchObject({ ok: true });
  });

  it('malformed frames are closed with the right code: huge, lying, unmasked, reserved bits, bad UTF-8, oversize control', async () => {
    const cases: [string, Buffer[], number][] = [
      ['declared 2^62 bytes', [frame(OPCODE.text, new Uint8Array(8), { declaredLength: 2n ** 62n })], 1009],
      ['declared 1 GB', [frame(OPCODE.binary, new Uint8Array(16), { declaredLength: 1n << 30n })], 1009],
      ['fragments adding up past the limit', [frame(OPCODE.text, new Uint8Array(4), { fin: false }), frame(OPCODE.continuation, new Uint8Array(8), { fin: false, declaredLength: 1n << 30n })], 1009],
      ['invalid UTF-8 text', [frame(OPCODE.text, Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]))], 1007],
      ['overlong UTF-8 text', [frame(OPCODE.text, Uint8Array.from([0xc0, 0xaf]))], 1007],
      ['unmasked client frame', [frame(OPCODE.text, Buffer.from('{}'), { mask: false })], 1002],
      ['reserved bits set', [frame(OPCODE.text, Buffer.from('{}'), { rsv: 0b011 })], 1002],
      ['unknown opcode', [frame(0x3, Buffer.from('x'))], 1002],
      ['control frame over 125 bytes', [frame(OPCODE.ping, new Uint8Array(200))], 1002],
      ['continuation without a start', [frame(OPCODE.continuation, Buffer.from('x'))], 1002],
    ];
    for (const [name, frames, code] of cases) {
      const raw = await openRawSocket(host.port, host.token);
      for (const f of frames) raw.socket.write(f);
      const closed = await raw.closed();
      expect([name, closed.closeCode]).toEqual([name, code]);
    }
    expect(await bystander.call('devices.list', {})).toMatchObject({ ok: true });
  });

  it('random well-formed frames of random opcodes and contents never stop the host', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ opcode: fc.constantFrom(0, 1, 2, 8, 9, 10), payload: fc.uint8Array({ maxLength: 300 }), fin: fc.boolean() }), { minLength: 1, maxLength: 5 }),
        async (frames) => {
          const raw = await openRawSocket(host.port, host.token);
          for (const f of frames) raw.socket.write(frame(f.opcode, f.payload, { fin: f.fin }));
          raw.socket.end();
          await raw.closed();
        },
      ),
      { numRuns: 40, seed: SEED },
    );
    expect(await bystander.call('app.info', {})).toMatchObject({ ok: true });
  });

  it('garbage messages and random calls all get an answer on the same socket', async () => {
    const message = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc
        .record({
          type: fc.constantFrom('call', 'event', 'reply'),
          id: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.constant(1.5)),
          method: fc.oneof(fc.constantFrom(...METHOD_NAMES), fc.string({ maxLength: 70 })),
          input: fc.jsonValue({ maxDepth: 3 }),
        })
        .map((v) => JSON.stringify(v)),
    );
    const client = await wsClient(host);
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        const reply = await client.next(() => client.ws.send(text));
        expect(reply.type).toBe('reply');
        expect(typeof reply.ok).toBe('boolean');
        if (!reply.ok) expect(reply.error?.code).toMatch(/^[A-Z_]+$/);
      }),
      { numRuns: 200, seed: SEED },
    );
    client.ws.close();
  });

  it('a flood of devices.list calls is answered in full', async () => {
    await services.lab.attach('photon-healthy', { timing: 'fast' });
    const replies = await Promise.all(Array.from({ length: 1000 }, () => bystander.call('devices.list', {})));
    expect(replies.filter((r) => r.ok && (r.value as { devices: unknown[] }).devices.length === 1)).toHaveLength(1000);
  });
});

describe('rescue host fuzz: afterwards', () => {
  it('the bystander and a fresh client both get valid contract answers, and nothing crashed', async () => {
    expect(await bystander.call('app.info', {})).toMatchObject({ ok: true, value: { readOnly: true } });
    const fresh = await wsClient(host);
    expect(await fresh.call('devices.list', {})).toMatchObject({ ok: true });
    fresh.ws.close();
    await stillServing();
    expect(crashes).toEqual([]);
  });
});
