import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { DeviceLab } from '../electron/lab/device-lab';
import { buildModuleImage } from '../electron/lab/firmware-images';
import { BackupStore } from '../electron/services/backups/backup-store';
import { DfuService } from '../electron/services/dfu/dfu-service';
import { crc32 } from '../electron/services/firmware/crc32';
import { FirmwareService } from '../electron/services/firmware/firmware-service';
import { inspectFiles } from '../electron/services/firmware/inspect';
import { planFlash } from '../electron/services/firmware/flash-plan';
import { readZip } from '../electron/services/firmware/zip-reader';
import { OperationLog } from '../electron/services/operations/operation-log';
import { OperationRunner } from '../electron/services/operations/operation-runner';
import { DeviceManager } from '../electron/services/usb/device-manager';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(runs: number, fn: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** A one-entry deflate zip, enough to time the reader. */
function zipOf(name: string, data: Uint8Array): Uint8Array {
  const body = deflateRawSync(data);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + name.length, 12);
  eocd.writeUInt32LE(30 + name.length + body.length, 16);
  return new Uint8Array(Buffer.concat([local, Buffer.from(name), body, central, Buffer.from(name), eocd]));
}

export async function run(print: (line: string) => void): Promise<void> {
  const systemPart = buildModuleImage({ platformId: 6, function: 'systemPart', index: 1, version: 2302, startAddress: 0x08020000, size: 0x3c000, prefixOffset: 0x184 });
  print(`inspect a 240 KB system part (CRC-32 + SHA-256): ${time(20, () => inspectFiles([{ fileName: 'sp1.bin', data: systemPart }])).toFixed(2)} ms median`);
  const zip = zipOf('system-part1.bin', systemPart);
  print(`unzip the same module from a deflate archive: ${time(20, () => readZip('r.zip', zip)).toFixed(2)} ms median`);
  const inspected = inspectFiles([{ fileName: 'sp1.bin', data: systemPart }]);
  print(`plan (order, slots, dependencies): ${time(200, () => planFlash({ deviceId: '0123456789abcdef01234567', platformId: 6, inspected, installed: null })).toFixed(3)} ms median`);

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
