import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createDispatcher } from '../rpc/dispatcher';
import { buildHandlers } from '../rpc/handlers';
import type { Services } from '../services/container';
import { createServices } from '../services/create-services';
import { startRescueHost, type RunningHost } from './rescue-host';

/** A minimal browser-mode client: calls by id, collects every event frame. */
class StationClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (frame: { ok: boolean; value?: unknown; error?: { code: string } }) => void>();
  readonly events: { event: string; payload: Record<string, unknown> }[] = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'event') this.events.push(frame);
      else this.waiting.get(frame.id)?.(frame);
    });
  }
  static open(host: RunningHost): Promise<StationClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=${host.token}`, { headers: { Origin: `http://127.0.0.1:${host.port}` } });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new StationClient(ws)));
      ws.once('error', reject);
    });
  }
  call(method: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ type: 'call', id, method, input }));
    });
  }
  async finished(operationId: string, timeoutMs = 90_000): Promise<Record<string, unknown>> {
    const started = Date.now();
    for (;;) {
      const hit = this.events.find((e) => e.event === 'operations.finished' && e.payload.operationId === operationId);
      if (hit) return hit.payload;
      if (Date.now() - started > timeoutMs) throw new Error(`operation ${operationId} did not finish`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  close(): void {
    this.ws.close();
  }
}

async function station(readOnly: boolean): Promise<{ services: Services; host: RunningHost }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rescue-station-'));
  const staticDir = mkdtempSync(join(tmpdir(), 'rescue-station-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
  const services = await createServices({ transport: 'browser', dataDir, hardware: false, labTiming: 'fast', readOnly, station: true });
  const dispatch = createDispatcher(buildHandlers(services, { transport: 'browser', openExternal: async () => false }), { readOnly, validateOutput: true });
  const host = await startRescueHost({ port: 0, staticDir, dispatch, bus: services.bus });
  return { services, host };
}

describe('rescue station: several devices in parallel', () => {
  let setup: { services: Services; host: RunningHost };
  beforeAll(async () => {
    setup = await station(false);
  });
  afterAll(async () => {
    await setup.host.close();
    await setup.services.close();
  });

  it('repairs photon-seed, electron-seed and argon-seed at once, each with its own operation and report; a refused device stops no other', async () => {
    const client = await StationClient.open(setup.host);
    const scenarios = ['photon-seed', 'electron-seed', 'argon-seed', 'photon-protected'];
    const devices: Record<string, string> = {};
    for (const scenario of scenarios) {
      const attached = await client.call('lab.attach', { scenario, timing: 'fast' });
      expect(attached.ok).toBe(true);
      devices[scenario] = (attached.value as { device: { deviceId: string } }).device.deviceId;
    }
    const started = await Promise.all(scenarios.map((s) => client.call('keys.repair', { deviceId: devices[s] })));
    const operationIds = started.map((r) => (r.value as { operationId: string }).operationId);
    expect(new Set(operationIds).size).toBe(4);
    const results = await Promise.all(operationIds.map((id) => client.finished(id)));

    for (const [i, scenario] of scenarios.entries()) {
      const result = results[i];
      expect(result.deviceId).toBe(devices[scenario]);
      if (scenario === 'photon-protected') {
        expect(result).toMatchObject({ status: 'failed', error: { code: 'DEVICE_PROTECTED' } });
        continue;
      }
      expect([scenario, result.status]).toEqual([scenario, 'succeeded']);
      expect(setup.services.lab.get(devices[scenario])!.led().patternId).toBe('breathing-cyan');
      expect(setup.services.lab.get(devices[scenario])!.cloudOnline).toBe(true);
    }
    const progressDevices = new Set(client.events.filter((e) => e.event === 'operations.progress').map((e) => e.payload.deviceId));
    for (const scenario of scenarios) expect(progressDevices.has(devices[scenario])).toBe(true);

    for (const scenario of ['photon-seed', 'electron-seed', 'argon-seed']) {
      await setup.services.reports.settled?.();
      const listed = await client.call('reports.list', { deviceId: devices[scenario] });
      const reports = (listed.value as { reports: { deviceId: string }[] }).reports;
      expect(reports.length).toBeGreaterThan(0);
      expect(reports.every((r) => r.deviceId === devices[scenario])).toBe(true);
    }
    client.close();
  });
});

describe('rescue station: read-only', () => {
  it('diagnoses but refuses every write, with a clear code', async () => {
    const { services, host } = await station(true);
    try {
      const client = await StationClient.open(host);
      const info = await client.call('app.info', {});
      expect(info.value).toMatchObject({ readOnly: true, station: true });
      expect(await client.call('lab.attach', { scenario: 'photon-seed' })).toMatchObject({ ok: false, error: { code: 'READ_ONLY_MODE' } });
      const device = await services.lab.attach('photon-seed', { timing: 'fast' });
      expect(await client.call('keys.repair', { deviceId: device.deviceId })).toMatchObject({ ok: false, error: { code: 'READ_ONLY_MODE' } });
      expect(await client.call('devices.list', {})).toMatchObject({ ok: true });
      client.close();
    } finally {
      await host.close();
      await services.close();
    }
  });
});
