import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../rpc/event-bus';
import type { Services } from '../../services/container';
import { startDiagnosisRig, type DiagnosisRig } from '../../services/diagnosis/testing/diagnosis-rig';
import type { CliEnv } from '../types';
import { rescueCommand, verifyCommand } from './rescue';

let rig: DiagnosisRig;

beforeEach(async () => {
  rig = await startDiagnosisRig();
});
afterEach(async () => {
  await rig.close();
});

function env(deviceId: string, json = false): CliEnv & { out: string[] } {
  const out: string[] = [];
  const services = { bus: new EventBus(), operations: rig.operations, diagnosis: rig.diagnosis, reports: rig.reports } as unknown as Services;
  return {
    out,
    json,
    // Like the real CLI: text output is silent in --json mode.
    print: (t) => {
      if (!json) out.push(t);
    },
    printJson: (v) => out.push(JSON.stringify(v)),
    services: async () => services,
    deviceId: async () => deviceId,
  };
}

describe('rescue and verify CLI commands', () => {
  it('rescue diagnoses photon-seed, runs the plan and prints the report', async () => {
    const device = await rig.attach('photon-seed');
    const e = env(device.deviceId);
    expect(await rescueCommand.run({ positionals: [device.deviceId], flags: {} }, e)).toBe(0);
    expect(e.out.join('\n')).toMatch(/run +Repair the cloud keys/);
    expect(e.out).toContain('Running: diagnose → enter-dfu → repair-keys → verify');
    expect(e.out.some((l) => /succeeded +Verify the cloud connection/.test(l))).toBe(true);
    expect(device.led().patternId).toBe('breathing-cyan');
  });

  it('rescue --dry-run only shows the plan; --json prints the diagnosis', async () => {
    const device = await rig.attach('photon-no-wifi');
    const e = env(device.deviceId, true);
    expect(await rescueCommand.run({ positionals: [], flags: { 'dry-run': true, json: true } }, e)).toBe(0);
    const { diagnosis, report } = JSON.parse(e.out.at(-1)!);
    expect(report).toBeNull();
    expect(diagnosis.plan.find((p: { step: string }) => p.step === 'wifi')).toMatchObject({ action: 'manual' });
  });

  it('rescue leaves manual steps to the user and says how to verify afterwards', async () => {
    const device = await rig.attach('photon-no-wifi');
    const e = env(device.deviceId);
    expect(await rescueCommand.run({ positionals: [], flags: {} }, e)).toBe(1);
    expect(e.out.join('\n')).toMatch(/manual Connect to Wi-Fi +.*particle serial wifi/);
    expect(e.out.at(-1)).toBe(`Do the steps marked manual above and run \`particle-rescue verify ${device.deviceId}\`.`);
  });

  it('refuses an unknown LED pattern and a bad product id before touching the device', async () => {
    const e = env('0123456789abcdef01234567');
    await expect(rescueCommand.run({ positionals: [], flags: { led: 'purple-disco' } }, e)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(rescueCommand.run({ positionals: [], flags: { product: 'abc' } }, e)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('verify exits 0 for a connected device and checks --timeout', async () => {
    const device = await rig.attach('photon-healthy');
    const e = env(device.deviceId);
    expect(await verifyCommand.run({ positionals: [], flags: { timeout: '10' } }, e)).toBe(0);
    expect(e.out[0]).toMatch(/connected to the Particle Cloud/);
    await expect(verifyCommand.run({ positionals: [], flags: { timeout: '0' } }, e)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
