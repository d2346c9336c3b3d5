import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { METHOD_NAMES, contract, ipcChannel, type MethodName } from '../../shared/contract';
import { bindIpc, type IpcMainLike } from '../main/ipc-binding';
import { APP_ORIGIN, isTrustedSender } from '../main/security-policy';
import { startRescueHost, type RunningHost } from '../host/rescue-host';
import { createDispatcher } from './dispatcher';
import { EventBus } from './event-bus';
import type { HandlerMap } from './handler-types';

/** A handler per method that records the call: the transports, not the services, are under test. */
function recordingHandlers(calls: string[]): HandlerMap {
  const map: Record<string, () => unknown> = {};
  for (const method of METHOD_NAMES) map[method] = () => (calls.push(method), { echoed: method });
  return map as unknown as HandlerMap;
}

function fakeIpcMain() {
  const handlers = new Map<string, (event: { senderFrame: { url: string } | null }, input: unknown) => Promise<unknown>>();
  const registrations: string[] = [];
  const ipc: IpcMainLike = {
    handle: (channel, listener) => {
      registrations.push(channel);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => handlers.delete(channel),
  };
  return { ipc, handlers, registrations };
}

function wsCall(url: string, origin: string | undefined, method: string, input: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: origin ? { Origin: origin } : {} });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'call', id: 7, method, input })));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'reply') {
        ws.close();
        resolve(frame);
      }
    });
    ws.on('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

function httpGet(port: number, hostHeader: string): Promise<{ status: number; csp: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { Host: hostHeader } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, csp: String(res.headers['content-security-policy'] ?? '') });
    });
    req.on('error', reject);
    req.end();
  });
}

/** An input that breaks each method's schema (a number where an object is expected). */
const INVALID = 12345;

describe('contract conformance across transports', () => {
  const calls: string[] = [];
  const bus = new EventBus();
  const dispatch = createDispatcher(recordingHandlers(calls), { readOnly: false, validateOutput: false });
  const mainFrame = { url: `${APP_ORIGIN}/index.html` };
  const { ipc, handlers, registrations } = fakeIpcMain();
  bindIpc(ipc, dispatch, (frame) => isTrustedSender(frame, mainFrame), bus, () => null);
  let host: RunningHost;
  let origin: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rescue-static-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    host = await startRescueHost({ port: 0, staticDir: dir, dispatch, bus });
    origin = `http://127.0.0.1:${host.port}`;
  });
  afterAll(() => host.close());

  const wsUrl = () => `ws://127.0.0.1:${host.port}/rpc?token=${host.token}`;

  it('registers exactly one IPC handler per contract method and nothing else', () => {
    expect([...registrations].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
    expect(new Set(registrations).size).toBe(registrations.length);
  });

  it('reaches every method through both transports', async () => {
    for (const method of METHOD_NAMES) {
      const ipcReply = (await handlers.get(ipcChannel(method))!({ senderFrame: mainFrame }, validSample(method))) as { ok: boolean };
      const wsReply = (await wsCall(wsUrl(), origin, method, validSample(method))) as { ok: boolean };
      expect({ method, ipc: ipcReply.ok, ws: wsReply.ok }).toEqual({ method, ipc: true, ws: true });
    }
    expect(calls.filter((c) => c === 'devices.list').length).toBe(2);
  });

  it('refuses schema-invalid input with the same code on both transports, before any service runs', async () => {
    const before = calls.length;
    for (const method of METHOD_NAMES) {
      const ipcReply = (await handlers.get(ipcChannel(method))!({ senderFrame: mainFrame }, INVALID)) as { error: { code: string } };
      const wsReply = (await wsCall(wsUrl(), origin, method, INVALID)) as { error: { code: string } };
      expect([method, ipcReply.error.code]).toEqual([method, 'INVALID_INPUT']);
      expect(wsReply.error.code).toBe(ipcReply.error.code);
    }
    expect(calls.length).toBe(before);
  });

  it('refuses a call from a foreign frame', async () => {
    const reply = (await handlers.get(ipcChannel('devices.list'))!({ senderFrame: { url: 'https://evil.example/' } }, {})) as {
      ok: boolean;
      error: { code: string };
    };
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    const subframe = { url: `${APP_ORIGIN}/index.html` };
    expect(await handlers.get(ipcChannel('devices.list'))!({ senderFrame: subframe }, {})).toMatchObject({ ok: false });
  });

  it('refuses a socket without the token, with a wrong token, or from another origin', async () => {
    const noToken = `ws://127.0.0.1:${host.port}/rpc`;
    await expect(wsCall(noToken, origin, 'devices.list', {})).rejects.toThrow('refused 401');
    await expect(wsCall(`${noToken}?token=wrong`, origin, 'devices.list', {})).rejects.toThrow('refused 401');
    await expect(wsCall(wsUrl(), 'http://evil.example', 'devices.list', {})).rejects.toThrow('refused 403');
    await expect(wsCall(wsUrl(), undefined, 'devices.list', {})).rejects.toThrow('refused 403');
  });

  it('refuses a DNS-rebinding Host name on HTTP and WebSocket', async () => {
    const rebound = await httpGet(host.port, `rebind.example:${host.port}`);
    expect(rebound.status).toBe(421);
    const ok = await httpGet(host.port, `127.0.0.1:${host.port}`);
    expect(ok.status).toBe(200);
    expect(ok.csp).toContain("script-src 'self'");
    const ws = new WebSocket(wsUrl(), { headers: { Origin: `http://rebind.example:${host.port}`, Host: `rebind.example:${host.port}` } });
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(421);
  });

  it('refuses methods that change things when the host runs read-only', async () => {
    const readOnly = createDispatcher(recordingHandlers([]), { readOnly: true, validateOutput: false });
    const mutating = METHOD_NAMES.filter((m) => contract.methods[m].mutates);
    expect(mutating.length).toBeGreaterThan(5);
    for (const method of mutating) {
      const reply = await readOnly(method, validSample(method), { transport: 'test' });
      expect(reply).toMatchObject({ ok: false, error: { code: 'READ_ONLY_MODE' } });
    }
    expect(await readOnly('devices.list', {}, { transport: 'test' })).toMatchObject({ ok: true });
    // A read-only station still stops its own long waits (diagnosis, verify).
    expect(await readOnly('operations.cancel', { operationId: 'op-test-1' }, { transport: 'test' })).toMatchObject({ ok: true });
  });
});

/** A schema-valid input for each method, derived from small hand-picked samples by domain. */
function validSample(method: MethodName): unknown {
  const id = '0123456789abcdef01234567';
  const samples: Partial<Record<MethodName, unknown>> = {
    'app.openExternal': { url: 'https://docs.particle.io/' },
    'operations.cancel': { operationId: 'op-test-1' },
    'operations.get': { operationId: 'op-test-1' },
    'lab.attach': { scenario: 'photon-seed' },
    'lab.pressButtons': { deviceId: id, hold: 'dfu' },
    'rescue.start': { deviceId: id, steps: ['diagnose'] },
    'backups.verify': { backupId: 'backup-1' },
    'backups.restore': { backupId: 'backup-1' },
    'firmware.inspect': { files: [{ fileName: 'a.bin', dataBase64: 'AAAA' }] },
    'firmware.plan': { deviceId: id, files: [{ fileName: 'a.bin', dataBase64: 'AAAA' }] },
    'firmware.flash': { deviceId: id, files: [{ fileName: 'a.bin', dataBase64: 'AAAA' }] },
    'wifi.setCredentials': { deviceId: id, credentials: { ssid: 'RescueLab', security: 'wpa2', password: 'particle-rescue' } },
    'cloud.saveProfile': {
      id: 'private-1',
      name: 'Private',
      kind: 'private',
      apiBaseUrl: 'https://cloud.example.com',
      serverKeys: {},
      serverAddress: {},
    },
    'cloud.useProfile': { profileId: 'particle' },
    'cloud.login': { username: 'a@b.c', password: 'pw' },
    'cloud.loginMfa': { mfaToken: 'x', otp: '123456' },
    'cloud.setToken': { token: 'a'.repeat(40) },
    'reports.get': { reportId: 'r-1' },
    'reports.export': { reportId: 'r-1', format: 'json' },
  };
  if (method in samples) return samples[method];
  const shape = (contract.methods[method].input as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  return 'deviceId' in shape ? { deviceId: id } : {};
}
