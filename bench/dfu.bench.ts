import { DeviceLab, FAST, REALISTIC, type VirtualParticleDevice } from '../electron/lab';
import { DfuSession } from '../electron/services/dfu/dfu-session';
import { OperationLog } from '../electron/services/operations/operation-log';
import type { AttachedDevice } from '../electron/services/usb/attached-device';
import { DeviceManager } from '../electron/services/usb/device-manager';
import { realSleep, type Sleep } from '../electron/services/usb/sleep';
import { median } from './measure';

const K = 1024;
const BLOCK = 4 * K;
const noSleep: Sleep = async () => undefined;

interface Setup {
  lab: DeviceLab;
  device: VirtualParticleDevice;
  attached: AttachedDevice;
}

/** A device already in DFU mode (photon-bad-system boots there), found through the DeviceManager. */
async function dfuDevice(timing: 'fast' | 'realistic', scenario: string, labSleep?: Sleep): Promise<Setup> {
  const lab = new DeviceLab({ timing, sleep: labSleep });
  const device = await lab.attach(scenario);
  const devices = new DeviceManager({ sources: lab.source, serial: lab.serialAccess, opLog: new OperationLog(null) });
  let attached = await devices.find(device.deviceId);
  if (attached.usbMode !== 'dfu') {
    await devices.control(attached).enterDfu();
    attached = await devices.waitFor(device.deviceId, 'dfu', { timeoutMs: 30_000 });
  }
  devices.close();
  return { lab, device, attached };
}

function image(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 131 + (i >> 9)) & 0xff);
}


async function zeroDelay(print: (line: string) => void): Promise<void> {
  // Device delays and the lab's own timers are zero: what remains is host (and model) work per block.
  const { lab, attached } = await dfuDevice('fast', 'photon-bad-system', noSleep);
  const session = await DfuSession.open(attached, { sleep: noSleep });
  const data = image(128 * K);
  const blocks = data.length / BLOCK;
  const writes: number[] = [];
  const reads: number[] = [];
  let transfersPerBlock = 0;
  for (let run = 0; run < 7; run++) {
    const before = session.transferCount;
    let started = performance.now();
    await session.write(0, 0x080a0000, data, { erase: true });
    writes.push(performance.now() - started);
    transfersPerBlock = (session.transferCount - before) / blocks;
    started = performance.now();
    await session.read(0, 0x080a0000, data.length);
    reads.push(performance.now() - started);
  }
  await session.close();
  await lab.close();
  const write = median(writes);
  const read = median(reads);
  print(`zero-delay profile with a no-op host sleep (model + host CPU only; overstates the host), Photon, 128 KB user part (median of 7):`);
  print(`  write (erase + download): ${((128 / write) * 1000).toFixed(0)} KB/s, host overhead ${(write / blocks).toFixed(3)} ms per 4 KB block (${transfersPerBlock.toFixed(1)} control transfers per block)`);
  print(`  read (upload):            ${((128 / read) * 1000).toFixed(0)} KB/s, host overhead ${(read / blocks).toFixed(3)} ms per 4 KB block`);
}

/**
 * The host as shipped: the production sleep (setTimeout) against the fast lab, whose only delay is the
 * bwPollTimeout of 1 ms it reports on every busy reply. Device-imposed minimum = those polls.
 */
async function productionSleep(print: (line: string) => void): Promise<void> {
  const { lab, attached } = await dfuDevice('fast', 'photon-bad-system', noSleep);
  const session = await DfuSession.open(attached, { sleep: realSleep });
  const data = image(128 * K);
  const blocks = data.length / BLOCK;
  const sectors = 1;
  // Each block and each erase gets one busy reply asking for FAST.busyPollMs(0) ms.
  const minimum = (blocks + sectors + blocks) * FAST.busyPollMs(0);
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    await session.write(0, 0x080a0000, data, { erase: true });
    runs.push(performance.now() - started);
  }
  await session.close();
  await lab.close();
  const write = median(runs);
  print(
    `production sleep, fast lab (1 ms bwPollTimeout per busy reply), Photon, 128 KB (median of 5): ${write.toFixed(0)} ms ` +
      `vs device-imposed minimum ${minimum} ms (erase + set-address + block polls): ratio ${(write / minimum).toFixed(2)}`,
  );
}

async function realistic(print: (line: string) => void, scenario: string, address: number, sectorSize: number): Promise<void> {
  const { lab, device, attached } = await dfuDevice('realistic', scenario);
  const session = await DfuSession.open(attached, { sleep: realSleep });
  const data = image(128 * K);
  const sectors = data.length / sectorSize;
  const eraseMs = sectors * REALISTIC.eraseMs(sectorSize);
  const programMs = (data.length / BLOCK) * REALISTIC.programMs(BLOCK);
  const blocks = data.length / BLOCK;
  const transfersBefore = session.transferCount;
  const started = performance.now();
  await session.write(0, address, data, { erase: true });
  const total = performance.now() - started;
  // Full-speed USB time of every control transfer the write needed (the lab charges it per transfer).
  const transfers = session.transferCount - transfersBefore;
  const usbMs = blocks * REALISTIC.usbTransferMs(BLOCK) + (transfers - blocks) * REALISTIC.usbTransferMs(6);
  await session.close();
  await lab.close();
  const minimum = eraseMs + programMs + usbMs;
  print(
    `realistic profile, production sleep, ${device.platform.productName}, 128 KB at 0x${address.toString(16)}: ${(total / 1000).toFixed(2)} s ` +
      `vs device-imposed minimum ${(minimum / 1000).toFixed(2)} s (erase ${(eraseMs / 1000).toFixed(2)} s + program ${(programMs / 1000).toFixed(2)} s + USB ${(usbMs / 1000).toFixed(2)} s): ` +
      `ratio ${(total / minimum).toFixed(2)}, host adds ${(total - minimum).toFixed(0)} ms`,
  );
}

export async function run(print: (line: string) => void): Promise<void> {
  await zeroDelay(print);
  await productionSleep(print);
  await realistic(print, 'photon-healthy', 0x080a0000, 128 * K);
  await realistic(print, 'argon-seed', 0x000b4000, 4 * K);
}
