import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceLab } from '../electron/lab/device-lab';
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

export async function run(print: (line: string) => void): Promise<void> {
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
