import { describe, expect, it } from 'vitest';
import { RescueError } from '../../../shared/errors';
import type { VirtualParticleDevice } from '../../lab/device/virtual-particle-device';
import { RELEASES } from '../../lab/scenarios/firmware-sets';
import type { OperationContext } from '../operations/operation-runner';
import { allValid, flashOnLab, photonRelease, rigPerTest, type Rig } from './testing/lab-rig';

const startRig = rigPerTest();

const ctx = (deviceId: string): OperationContext => ({
  operationId: 't', deviceId, signal: new AbortController().signal, progress: () => undefined, log: () => undefined, throwIfCancelled: () => undefined,
});

/** What the module-info request reports in normal mode, as the comparable fields. */
const view = (modules: { function: string; index: number; version: number; valid: boolean }[] | null) =>
  (modules ?? []).map((m) => `${m.function}:${m.index} v${m.version} ${m.valid ? 'valid' : 'INVALID'}`).sort();

async function toDfu(rig: Rig, device: VirtualParticleDevice) {
  await device.pressButtons('dfu');
  return rig.devices.waitFor(device.deviceId, 'dfu', { timeoutMs: 2000 });
}

const snapshot = (device: VirtualParticleDevice) => [device.readFlash(0x08020000, 0x8000), device.readFlash(0x08060000, 0x8000), device.readFlash(0x080a0000, 0x4000)];

describe('the device’s modules in every mode', () => {
  it.each(['photon-healthy', 'electron-seed', 'argon-seed'])('%s: the DFU-mode inventory (read over DFU) equals the module-info request', async (scenario) => {
    const rig = startRig();
    const device = await rig.lab.attach(scenario);
    const normal = await rig.firmware.inventory(await rig.devices.find(device.deviceId), ctx(device.deviceId));
    expect(normal?.length).toBeGreaterThanOrEqual(3);
    const dfu = await rig.firmware.inventory(await toDfu(rig, device), ctx(device.deviceId));
    expect(view(dfu)).toEqual(view(normal));
  });

  it('photon-bad-system (only reachable in DFU mode): system part 2 fails its CRC, system part 1 only its dependency on it', async () => {
    const rig = startRig();
    const device = await rig.lab.attach('photon-bad-system');
    const modules = await rig.firmware.inventory(await rig.devices.find(device.deviceId), ctx(device.deviceId));
    const sp2 = modules?.find((m) => m.function === 'systemPart' && m.index === 2);
    expect(sp2).toMatchObject({ valid: false });
    expect(sp2!.failedChecks & 0x02).toBe(0x02);
    expect(modules?.find((m) => m.function === 'systemPart' && m.index === 1)?.failedChecks).toBe(0x04);
    expect(modules?.find((m) => m.function === 'bootloader')?.valid).toBe(true);
  });
});

describe('whole-device validation before the write', () => {
  it('DFU mode: an old system part 2 under a 2.3.1 system part 1 is refused before anything is written', async () => {
    const rig = startRig();
    const device = await rig.lab.attach('photon-healthy');
    await toDfu(rig, device);
    const before = snapshot(device);
    const old = photonRelease(3, RELEASES['0.6.4']).systemParts.filter((f) => f.fileName === 'system-part2.bin');

    const plan = await rig.firmware.plan(device.deviceId, old);
    expect(plan.problems.map((p) => p.message)).toEqual([expect.stringMatching(/system part 1 v2302 on the device needs system part 2 v207 or later; after this flash it has system part 2 v110.*would not start/)]);
    expect(plan.steps.length).toBe(1);

    const error = await flashOnLab(rig, device.deviceId, old).catch((e: unknown) => e);
    expect(RescueError.is(error, 'DEPENDENCY_UNMET')).toBe(true);
    expect(snapshot(device)).toEqual(before);
    expect(device.mode).toBe('dfu');
  });

  it('consent: a Device OS downgrade is refused without it (nothing written) and flashed and confirmed with it', async () => {
    const rig = startRig();
    const device = await rig.lab.attach('photon-healthy');
    const { systemParts, user } = photonRelease(5, RELEASES['0.6.4']);
    const files = [...systemParts, user];
    const before = snapshot(device);

    const plan = await rig.firmware.plan(device.deviceId, files);
    expect(plan.problems).toEqual([]);
    expect(plan.consent.map((c) => c.message).sort()).toEqual([
      expect.stringMatching(/system part 1 v2302 with the older v110/),
      expect.stringMatching(/system part 2 v2302 with the older v110/),
    ]);

    const refused = await flashOnLab(rig, device.deviceId, files).catch((e: unknown) => e);
    expect(RescueError.is(refused, 'CONSENT_REQUIRED')).toBe(true);
    expect((refused as RescueError).fix).toMatch(/--allow-downgrade/);
    expect(snapshot(device)).toEqual(before);

    const result = await flashOnLab(rig, device.deviceId, files, undefined, { allowDowngrade: true });
    expect(result.confirmation).toBe('confirmed');
    expect(result.modules?.filter((m) => m.function === 'systemPart').map((m) => m.version)).toEqual([110, 110]);
    expect(allValid(device)).toBe(true);
  });

  it('a stranded app is shown before the write; with consent the flash runs and the whole-device confirm names the failing app', async () => {
    const rig = startRig();
    const device = await rig.lab.attach('photon-healthy');
    const { systemParts } = photonRelease(9, RELEASES['0.6.4']);
    const plan = await rig.firmware.plan(device.deviceId, systemParts);
    expect(plan.consent.map((c) => c.message)).toContainEqual(expect.stringMatching(/app on the device needs system part 2 v2302.*safe mode/));

    const error = await flashOnLab(rig, device.deviceId, systemParts, undefined, { allowDowngrade: true }).catch((e: unknown) => e);
    expect(RescueError.is(error, 'VERIFY_MISMATCH')).toBe(true);
    const e = error as RescueError;
    expect(e.message).toMatch(/user firmware v6 fails dependencies/);
    expect(e.fix).toMatch(/Flash an app built for the Device OS now on the device/);
    expect(e.details?.failing).toEqual([expect.objectContaining({ function: 'userPart', valid: false })]);
    // The flashed parts themselves are in place and valid: only the app is not.
    expect(device.modules().filter((m) => m.slot.function === 'systemPart').every((m) => m.integrity && m.dependencies)).toBe(true);
  });
});
