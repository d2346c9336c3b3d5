import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceLab } from '../electron/lab/device-lab';
import { REALISTIC } from '../electron/lab/util/timing';
import { buildModuleImage } from '../electron/lab/firmware-images';
import { BackupStore } from '../electron/services/backups/backup-store';
import { DfuService } from '../electron/services/dfu/dfu-service';
import { FirmwareService } from '../electron/services/firmware/firmware-service';
import { inspectFiles } from '../electron/services/firmware/inspect';
import { planFlash } from '../electron/services/firmware/flash-plan';
import { readZip } from '../electron/services/firmware/zip-reader';
import { OperationLog } from '../electron/services/operations/operation-log';
import { OperationRunner } from '../electron/services/operations/operation-runner';
import { DeviceManager } from '../electron/services/usb/device-manager';
import { timeMs } from './measure';
import { testZip } from '../electron/services/firmware/testing/test-modules';



/** A one-entry deflate zip, enough to time the reader. */

const K = 1024;

/**
 * A full Device OS reinstall (Photon system parts 1 + 2, 2 × 250 KB) on the realistic lab, against what the
 * device itself imposes: entering DFU (action delay + re-enumeration), erasing and programming the sectors,
 * the manifest countdown and the re-enumeration into normal mode.
 */
async function reinstallOnRealisticLab(print: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fw-bench-real-'));
  const lab = new DeviceLab({ timing: 'realistic', seed: 1 });
  const opLog = new OperationLog(null);
  const devices = new DeviceManager({ sources: lab.source, serial: lab.serialAccess, opLog });
  const dfu = new DfuService({ devices, serial: lab.serialAccess, opLog });
  const firmware = new FirmwareService({ dfu, devices, backups: new BackupStore(dir), opLog });
  const operations = new OperationRunner(null, opLog);
  try {
    const device = await lab.attach('photon-healthy', { timing: 'realistic' });
    await devices.waitFor(device.deviceId, 'normal', { timeoutMs: 10_000 });
    const size = 250 * K;
    const sp1 = buildModuleImage({ platformId: 6, function: 'systemPart', index: 1, version: 2302, startAddress: 0x08020000, size, prefixOffset: 0x184, dependency: { function: 'systemPart', index: 2, version: 207 }, seed: 3 });
    const sp2 = buildModuleImage({
      platformId: 6, function: 'systemPart', index: 2, version: 2302, startAddress: 0x08060000, size, prefixOffset: 0x184,
      dependency: { function: 'systemPart', index: 1, version: 2302 }, dependency2: { function: 'bootloader', index: 0, version: 1003 }, seed: 4,
    });
    const files = [{ fileName: 'system-part1.bin', data: sp1 }, { fileName: 'system-part2.bin', data: sp2 }];
    const started = performance.now();
    const result = await operations.run('flash', device.deviceId, (ctx) => firmware.flash(device.deviceId, files, ctx));
    const total = performance.now() - started;
    // Each part spans two 128 KB sectors of the Photon's flash (dfu-dfuse.md layout 07*128Kg).
    const eraseMs = 4 * REALISTIC.eraseMs(128 * K);
    const programMs = 2 * Math.ceil(size / 4096) * REALISTIC.programMs(4096);
    const minimum = REALISTIC.actionDelayMs + REALISTIC.reenumerateMs + eraseMs + programMs + REALISTIC.manifestResetMs + REALISTIC.reenumerateMs;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    print(
      `realistic lab, Photon full Device OS reinstall (system parts 1 + 2, ${(2 * size) / K} KB, backup + write + verify + restart + whole-device confirm: ${result.confirmation}): ` +
        `${s(total)} vs device-imposed minimum ${s(minimum)} (enter DFU, erase ${s(eraseMs)}, program ${s(programMs)}, manifest, re-enumerate): ratio ${(total / minimum).toFixed(3)}×`,
    );
  } finally {
    await dfu.close();
    devices.close();
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(print: (line: string) => void): Promise<void> {
  await reinstallOnRealisticLab(print);
  const systemPart = buildModuleImage({ platformId: 6, function: 'systemPart', index: 1, version: 2302, startAddress: 0x08020000, size: 0x3c000, prefixOffset: 0x184 });
  print(`inspect a 240 KB system part (CRC-32 + SHA-256): ${timeMs(() => inspectFiles([{ fileName: 'sp1.bin', data: systemPart }]), 20).toFixed(2)} ms median`);
  const zip = testZip([{ name: 'system-part1.bin', data: systemPart, method: 8 }]);
  print(`unzip the same module from a deflate archive: ${timeMs(() => readZip('r.zip', zip), 20).toFixed(2)} ms median`);
  const inspected = inspectFiles([{ fileName: 'sp1.bin', data: systemPart }]);
  print(`plan (order, slots, dependencies): ${timeMs(() => planFlash({ deviceId: '0123456789abcdef01234567', platformId: 6, inspected, installed: null }), 200).toFixed(3)} ms median`);

  const dir = mkdtempSync(join(tmpdir(), 'fw-bench-'));
  const lab = new DeviceLab({ timing: 'fast', seed: 1 });
  const opLog = new OperationLog(null);
  const devices = new DeviceManager({ sources: lab.source, serial: lab.serialAccess, opLog });
  const dfu = new DfuService({ devices, serial: lab.serialAccess, opLog });
  const firmware = new FirmwareService({ dfu, devices, backups: new BackupStore(dir), opLog });
  const operations = new OperationRunner(null, opLog);
  try {
    const device = await lab.attach('photon-healthy');
    const user = buildModuleImage({ platformId: 6, function: 'userPart', index: 1, version: 6, startAddress: 0x080a0000, size: 0x10000, prefixOffset: 0, dependency: { function: 'systemPart', index: 2, version: 2302 } });
    const started = performance.now();
    await operations.run('flash', device.deviceId, (ctx) => firmware.flash(device.deviceId, [{ fileName: 'app.bin', data: user }], ctx));
    print(`lab (fast timing): back up 128 KB, flash + verify a 64 KB user part, restart, confirm: ${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    await dfu.close();
    devices.close();
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
