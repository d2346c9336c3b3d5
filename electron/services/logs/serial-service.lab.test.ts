import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../../lab/device-lab';
import { OperationLog } from '../operations/operation-log';
import { SerialService } from './serial-service';

let lab: DeviceLab | null = null;
let serial: SerialService | null = null;

afterEach(async () => {
  await serial?.stopAll();
  await lab?.close();
  lab = null;
  serial = null;
});

describe('SerialService on a virtual device (the lab serialport binding, no socat)', () => {
  it('streams the Device OS log of a Photon as it enters listening mode, parsed', async () => {
    lab = new DeviceLab({ timing: 'fast', serial: true });
    serial = new SerialService({ opLog: new OperationLog(null), locators: [lab.serialAccess], batchMs: 10 });
    const device = await lab.attach('photon-healthy');
    const { path } = await serial.start(device.deviceId);
    expect(path).toContain(device.deviceId);
    // 28800 baud asks Device OS for listening mode, which it logs (usb-control-protocol.md §8).
    await lab.serialAccess.touchBaud(device.deviceId, 28800);
    for (let i = 0; i < 300 && !serial.lines(device.deviceId).some((l) => l.category === 'system'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const line = serial.lines(device.deviceId).find((l) => l.category === 'system');
    expect(line).toMatchObject({ level: 'info', deviceId: device.deviceId });
    expect(line?.deviceTimeMs).toEqual(expect.any(Number));
  });

  it('follows the device across a reset: the port drops, comes back and the log goes on in one numbering', async () => {
    lab = new DeviceLab({ timing: 'fast', serial: true });
    serial = new SerialService({ opLog: new OperationLog(null), locators: [lab.serialAccess], batchMs: 5, retryMs: 10 });
    const device = await lab.attach('photon-healthy');
    await serial.start(device.deviceId);
    const boots = () => serial!.lines(device.deviceId).filter((l) => /^Device OS /.test(l.message)).length;
    for (let i = 0; i < 300 && boots() < 1; i++) await new Promise((r) => setTimeout(r, 10));
    await device.reset();
    for (let i = 0; i < 300 && boots() < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(boots()).toBe(2);
    expect(serial.isStreaming(device.deviceId)).toBe(true);
    const seqs = serial.lines(device.deviceId).map((l) => l.seq);
    expect(seqs).toEqual([...seqs.keys()]);
  });
});
