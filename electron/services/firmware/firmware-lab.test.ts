import { describe, expect, it } from 'vitest';
import { FlashPlanSchema, FlashResultSchema } from '../../../shared/contract/firmware';
import { RescueError } from '../../../shared/errors';
import { buildModuleImage } from '../../lab/firmware-images';
import { labPlatform } from '../../lab/platforms/lab-platforms';
import { RELEASES, releaseModules } from '../../lab/scenarios/firmware-sets';
import type { FirmwareFile } from './inspect';
import type { ProgressUpdate } from '../operations/operation-runner';
import { allValid, flashOnLab, photonRelease, rigPerTest, type Rig } from './testing/lab-rig';
import { testZip } from './testing/test-modules';

const startRig = rigPerTest();

const flash = (rig: Rig, deviceId: string, files: FirmwareFile[], onProgress?: (u: ProgressUpdate) => void) => flashOnLab(rig, deviceId, files, onProgress);

describe('FirmwareService on the device lab', () => {
  it('photon-bad-system becomes healthy after flashing a valid system part set', async () => {
    const rig = startRig();
    const device = await rig.lab.attach('photon-bad-system');
    expect((await rig.devices.find(device.deviceId)).usbMode).toBe('dfu');
    expect(allValid(device)).toBe(false);

    const plan = await rig.firmware.plan(device.deviceId, photonRelease(7).systemParts);
    expect(plan.problems).toEqual([]);
    expect(plan.steps.map((s) => s.address)).toEqual([0x08020000, 0x08060000]);

    const result = await flash(rig, device.deviceId, photonRelease(7).systemParts);
    expect(result.confirmation).toBe('confirmed');
    expect(result.modules?.filter((m) => m.function === 'systemPart').every((m) => m.valid)).toBe(true);
    expect(device.mode).toBe('normal');
    expect(allValid(device)).toBe(true);
    const backup = await rig.backups.get(result.backupId!);
    expect(backup.files.map((f) => f.name)).toContain('system-part-2-on-the-device-8060000-raw.bin');
  });

  it('photon-healthy gets a new user part; the old one is backed up and restores byte-exactly', async () => {
    const rig = startRig();
    const device = await rig.lab.attach('photon-healthy');
    const oldUser = device.modules().find((m) => m.slot.function === 'userPart')!;
    const before = device.readFlash(0x080a0000, oldUser.size);
    const newUser = buildModuleImage({
      platformId: 6, function: 'userPart', index: 1, version: 7, startAddress: 0x080a0000, size: 0x5000, prefixOffset: 0,
      dependency: { function: 'systemPart', index: 2, version: 2302 }, seed: 99,
    });

    expect(FlashPlanSchema.safeParse(await rig.firmware.plan(device.deviceId, [{ fileName: 'new-app.bin', data: newUser }])).success).toBe(true);
    const result = await flash(rig, device.deviceId, [{ fileName: 'new-app.bin', data: newUser }]);
    expect(FlashResultSchema.safeParse(result).success).toBe(true);
    expect(result.confirmation).toBe('confirmed');
    expect(result.modules?.find((m) => m.function === 'userPart')).toMatchObject({ version: 7, valid: true });
    expect(device.readFlash(0x080a0000, newUser.length)).toEqual(newUser);
    expect(await rig.backups.read(result.backupId!, 'user-firmware-on-the-device-80a0000.bin')).toEqual(before);

    // One click: backups.restore dispatches firmware backups to the restorer FirmwareService registered.
    const restorer = rig.backups.restorerFor('firmware')!;
    const summary = await rig.backups.get(result.backupId!);
    const restored = (await rig.operations.run('restore', device.deviceId, (ctx) => restorer(summary, ctx))) as { safetyBackupId: string };
    expect(device.readFlash(0x080a0000, before.length)).toEqual(before);
    // What the restore overwrote (the new app) was backed up first.
    expect(restored.safetyBackupId).not.toBe(result.backupId);
    expect(await rig.backups.read(restored.safetyBackupId, 'user-firmware-on-the-device-80a0000.bin')).toEqual(newUser);
    expect(device.mode).toBe('normal');
    expect(allValid(device)).toBe(true);
  });

  it('refuses another platform’s binary without opening DFU', async () => {
    const rig = startRig();
    const device = await rig.lab.attach('photon-healthy');
    const boron = buildModuleImage({ platformId: 13, function: 'userPart', index: 1, version: 6, startAddress: 0xd4000, size: 0x1000, prefixOffset: 0 });
    const enumerations = device.enumerations;
    const error = await flash(rig, device.deviceId, [{ fileName: 'boron.bin', data: boron }]).catch((e: unknown) => e);
    expect(RescueError.is(error, 'WRONG_PLATFORM')).toBe(true);
    expect(device.enumerations).toBe(enumerations);
    expect(device.mode).toBe('normal');
  });

  it('Argon: a ≥ 3.1 user part goes to 0xB4000 and the legacy 0xD4000 slot is invalidated first', async () => {
    const rig = startRig();
    const device = await rig.lab.attach('argon-seed');
    const user = buildModuleImage({
      platformId: 12, function: 'userPart', index: 2, version: 6, startAddress: 0xb4000, size: 0x3000, prefixOffset: 0,
      dependency: { function: 'systemPart', index: 1, version: 4200 }, seed: 5,
    });
    const result = await flash(rig, device.deviceId, [{ fileName: 'argon-app.bin', data: user }]);
    expect(result.plan.invalidateFirst).toEqual([expect.objectContaining({ address: 0xd4000, length: 4096 })]);
    expect(result.confirmation).toBe('confirmed');
    expect(device.readFlash(0xb4000, user.length)).toEqual(user);
    expect(device.readFlash(0xd4000, 4096).every((b) => b === 0xff)).toBe(true);
  });

  it('Electron: a release zip whose file names do not match module indexes is placed by address', async () => {
    const rig = startRig();
    const device = await rig.lab.attach('electron-seed');
    const modules = releaseModules(labPlatform(10), RELEASES['2.3.1'], 21);
    const at = (address: number) => modules.find((m) => m.address === address)!.image;
    const zip = testZip([
      { name: 'system-part1.bin', data: at(0x08060000) },
      { name: 'system-part2.bin', data: at(0x08020000) },
      { name: 'system-part3.bin', data: at(0x08040000) },
    ]);
    const result = await flash(rig, device.deviceId, [{ fileName: 'electron-2.3.1.zip', data: zip }]);
    expect(result.plan.steps.map((s) => [s.fileName, s.module.index, s.address])).toEqual([
      ['electron-2.3.1.zip/system-part2.bin', 1, 0x08020000],
      ['electron-2.3.1.zip/system-part3.bin', 2, 0x08040000],
      ['electron-2.3.1.zip/system-part1.bin', 3, 0x08060000],
    ]);
    expect(result.confirmation).toBe('confirmed');
    expect(device.readFlash(0x08060000, at(0x08060000).length)).toEqual(at(0x08060000));
    expect(allValid(device)).toBe(true);
  });

  it.each(['enter-dfu', 'backup', 'download', 'verify', 'leave', 'confirm'])(
    'a disconnect during %s leaves a state the app detects, and re-running the flash completes',
    async (phase) => {
      const rig = startRig();
      const device = await rig.lab.attach('photon-healthy');
      const { systemParts, user } = photonRelease(11);
      const files = [...systemParts, user];
      let armed = false;
      const first = await flash(rig, device.deviceId, files, (u) => {
        if (!armed && u.phase === phase) {
          armed = true;
          device.faults.add({ kind: 'disconnect', at: 2 });
          // While the app is switching it to DFU, the user sees the cable come loose, replugs it and
          // holds the buttons for DFU mode (the app's fallback instructions).
          if (phase === 'enter-dfu') {
            device.events.once('detach', () => setTimeout(() => void (device.mode === 'off' && device.pressButtons('dfu')), 0));
          }
        }
      }).catch((e: unknown) => e);
      expect(armed).toBe(true);
      if (first instanceof RescueError) {
        expect(first.fix).toMatch(/run the same flash again|unplug and replug/i);
      } else {
        // Entering DFU recovers with the user's buttons; a cut module-info request after the restart is
        // reported as written-and-verified but unconfirmed.
        expect(phase === 'enter-dfu' || phase === 'confirm').toBe(true);
        expect((first as { confirmation: string }).confirmation).toBe(phase === 'confirm' ? 'unconfirmed' : 'confirmed');
      }

      await device.plug();
      const back = await rig.devices.find(device.deviceId);
      // A system part cut off mid-write is detected: the bootloader refuses to start it and stays in DFU.
      if (phase === 'download') expect(back.usbMode).toBe('dfu');

      const second = await flash(rig, device.deviceId, files);
      expect(second.confirmation).toBe('confirmed');
      expect(device.readFlash(0x080a0000, user.data.length)).toEqual(user.data);
      expect(allValid(device)).toBe(true);
    },
  );
});
