import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { DeviceLab } from '../../../lab/device-lab';
import type { VirtualParticleDevice } from '../../../lab/device/virtual-particle-device';
import { labPlatform } from '../../../lab/platforms/lab-platforms';
import { RELEASES, releaseModules, type DeviceOsRelease } from '../../../lab/scenarios/firmware-sets';
import { BackupStore } from '../../backups/backup-store';
import { DfuService } from '../../dfu/dfu-service';
import { OperationLog } from '../../operations/operation-log';
import { OperationRunner, type OperationContext, type ProgressUpdate } from '../../operations/operation-runner';
import { DeviceManager } from '../../usb/device-manager';
import { FirmwareService, type FirmwareServiceDeps } from '../firmware-service';
import type { FirmwareFile } from '../inspect';

/** Test-only: the real USB, DFU and backup services against the device lab, the same graph the app builds. */
export interface Rig {
  lab: DeviceLab;
  devices: DeviceManager;
  dfu: DfuService;
  backups: BackupStore;
  firmware: FirmwareService;
  operations: OperationRunner;
  dir: string;
  close(): Promise<void>;
}

export function startRig(extra: Pick<FirmwareServiceDeps, 'deviceOs'> = {}): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'fw-lab-'));
  const lab = new DeviceLab({ timing: 'fast', seed: 1 });
  const opLog = new OperationLog(null);
  const devices = new DeviceManager({ sources: lab.source, serial: lab.serialAccess, opLog });
  const dfu = new DfuService({ devices, serial: lab.serialAccess, opLog, session: { retry: { attempts: 2, delayMs: 0 } } });
  const backups = new BackupStore(dir);
  const firmware = new FirmwareService({ dfu, devices, backups, opLog, reenumerateTimeoutMs: 2_000, ...extra });
  return {
    lab, devices, dfu, backups, firmware, dir, operations: new OperationRunner(null, opLog),
    async close() {
      await dfu.close();
      devices.close();
      await lab.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh, valid Device OS set for the Photon (different bytes from what the lab device holds). */
export function photonRelease(seed: number, release: DeviceOsRelease = RELEASES['2.3.1']): { systemParts: FirmwareFile[]; user: FirmwareFile } {
  const modules = releaseModules(labPlatform(6), release, seed);
  const at = (address: number) => modules.find((m) => m.address === address)!.image;
  return {
    systemParts: [
      { fileName: 'system-part2.bin', data: at(0x08060000) },
      { fileName: 'system-part1.bin', data: at(0x08020000) },
    ],
    user: { fileName: 'app.bin', data: at(0x080a0000) },
  };
}

export function flashOnLab(
  rig: Rig,
  deviceId: string,
  files: FirmwareFile[],
  onProgress: (u: ProgressUpdate) => void = () => undefined,
  options: { allowDowngrade?: boolean } = {},
) {
  return rig.operations.run('flash', deviceId, (ctx: OperationContext) =>
    rig.firmware.flash(deviceId, files, { ...ctx, progress: (u) => { onProgress(u); ctx.progress(u); } }, options),
  );
}

export const allValid = (device: VirtualParticleDevice) => device.modules().filter((m) => m.present).every((m) => m.integrity && m.dependencies);

/** Call at the top of a test file: returns a rig starter whose rigs are closed after each test. */
export function rigPerTest(): (extra?: Pick<FirmwareServiceDeps, 'deviceOs'>) => Rig {
  const rigs: Rig[] = [];
  afterEach(async () => {
    for (const rig of rigs.splice(0)) await rig.close();
  });
  return (extra) => {
    const rig = startRig(extra);
    rigs.push(rig);
    return rig;
  };
}
