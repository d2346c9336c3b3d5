import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../device-lab';
import { FakeCloud } from '../test-support/fake-cloud';
import { command, controlRequest, dnload, dnloadAndWait, getStatus, openDfu, until, upload, abort } from '../test-support/raw-usb';
import type { UsbDeviceLike } from '../../services/usb/webusb';
import type { FaultPlan } from './fault-plan';

const labs: DeviceLab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.close();
});

const sharedCloud = new FakeCloud();

async function attach(scenario: string, faults: FaultPlan, seed = 1, sleep?: (ms: number) => Promise<void>) {
  const lab = new DeviceLab({ timing: 'fast', cloud: sharedCloud, seed, sleep });
  labs.push(lab);
  return lab.attach(scenario, { faults });
}

const descriptor = { requestType: 'standard' as const, recipient: 'device' as const, request: 6, value: 0x0100, index: 0 };

/** Drive identical transfers until something goes wrong; report which transfer and how. */
async function firstFailure(usb: UsbDeviceLike, max = 100): Promise<{ transfer: number; how: string }> {
  await usb.open();
  for (let n = 1; n <= max; n++) {
    try {
      const r = await usb.controlTransferIn(descriptor, 18);
      if (r.status !== 'ok') return { transfer: n, how: r.status };
    } catch (error) {
      return { transfer: n, how: (error as Error).name };
    }
  }
  return { transfer: -1, how: 'none' };
}

describe('seeded fault injection', () => {
  it('same seed → same failure at the same transfer; another seed moves it', async () => {
    const plan: FaultPlan = { faults: [{ kind: 'disconnect', between: [5, 80] }] };
    const a = await firstFailure((await attach('photon-healthy', plan, 11)).usb!);
    const b = await firstFailure((await attach('photon-healthy', plan, 11)).usb!);
    expect(a).toEqual(b);
    expect(a.how).toBe('NotFoundError');
    const others = [];
    for (const seed of [12, 13, 14]) others.push((await firstFailure((await attach('photon-healthy', plan, seed)).usb!)).transfer);
    expect(others.some((t) => t !== a.transfer)).toBe(true);
  });

  it('stall at the Nth transfer, counted in transferCount', async () => {
    const device = await attach('photon-healthy', { faults: [{ kind: 'stall', at: 3 }] });
    expect(await firstFailure(device.usb!)).toEqual({ transfer: 3, how: 'stall' });
    expect(device.faults.transferCount).toBe(3);
    expect(device.faults.fired).toEqual([{ kind: 'stall', transfer: 3, detail: undefined }]);
  });

  it('a disconnect leaves the device unplugged until plugged back in', async () => {
    const device = await attach('photon-healthy', { faults: [{ kind: 'disconnect', at: 2 }] });
    await firstFailure(device.usb!);
    expect(device.usb).toBeNull();
    expect(device.mode).toBe('off');
    await device.plug();
    expect(device.usb!.productId).toBe(0xc006);
  });

  it('a DFU error status at the Nth transfer: errWRITE during a download (Gen 2: stall, then dfuERROR)', async () => {
    const device = await attach('photon-healthy', { faults: [] });
    await device.pressButtons('dfu');
    const usb = device.usb!;
    await openDfu(usb, 0);
    device.faults.add({ kind: 'dfu-status', status: 'errWRITE', at: 3 });
    expect(await dnload(usb, 0, command(0x21, 0x080a0000))).toBe('ok');
    expect((await getStatus(usb)).state).toBe(4);
    const third = await getStatus(usb);
    expect(third.stalled).toBe(true);
    expect(await getStatus(usb)).toMatchObject({ state: 10, status: 0x03 });
  });

  it('a brown-out corrupts a DCT key slot and reboots: the cloud now rejects the key', async () => {
    const device = await attach('photon-healthy', { faults: [] });
    await until(() => device.cloudOnline, 'online');
    const keyBefore = device.dctBytes().slice(34, 34 + 612);
    await device.usb!.open();
    device.faults.add({ kind: 'brownout', slot: 'privateKey', at: 1 });
    await expect(device.usb!.controlTransferIn(descriptor, 18)).rejects.toMatchObject({ name: 'NotFoundError' });
    await until(() => device.usb !== null && device.led().patternId === 'cyan-red-burst', 'reboot with a broken key');
    expect(device.dctBytes().slice(34, 34 + 612)).not.toEqual(keyBefore);
  });

  it('the same brown-out seed damages the slot identically', async () => {
    const damage = async () => {
      const device = await attach('photon-healthy', { seed: 77, faults: [{ kind: 'brownout', slot: 'serverKey', at: 1 }] });
      await device.usb!.open();
      await device.usb!.controlTransferIn(descriptor, 18).catch(() => undefined);
      return device.dctBytes().slice(2082, 2082 + 512);
    };
    expect(await damage()).toEqual(await damage());
  });

  it('a device that vanishes during re-enumeration does not come back', async () => {
    const device = await attach('photon-healthy', { faults: [{ kind: 'vanish-on-reenumerate', nth: 1 }] });
    await device.usb!.open();
    expect((await controlRequest(device.usb!, 50)) !== 'stall').toBe(true);
    await until(() => device.bootReason === 'vanished during re-enumeration', 'the device to vanish');
    expect(device.usb).toBeNull();
    expect(device.mode).toBe('off');
  });

  it('a slow device delays every transfer by the latency (plus seeded jitter)', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const device = await attach('photon-healthy', { faults: [{ kind: 'slow', latencyMs: 40, jitterMs: 10 }] }, 1, sleep);
    await device.usb!.open();
    waits.length = 0;
    await device.usb!.controlTransferIn(descriptor, 18);
    await device.usb!.controlTransferIn(descriptor, 18);
    expect(waits).toHaveLength(2);
    expect(waits.every((ms) => ms >= 40 && ms <= 50)).toBe(true);
  });

  it('wrong bytes: the device stores a block with one bit cleared and reports OK; only N writes, only the named alt', async () => {
    const device = await attach('photon-healthy', { faults: [] });
    await device.pressButtons('dfu');
    const usb = device.usb!;
    await openDfu(usb, 0);
    device.faults.add({ kind: 'wrong-bytes', alt: 0, writes: 1 });
    const block = new Uint8Array(1024).fill(0xa5);
    for (const address of [0x080c0000, 0x080e0000]) {
      expect((await dnloadAndWait(usb, 0, command(0x41, address))).state).toBe(5);
      expect((await dnloadAndWait(usb, 0, command(0x21, address))).state).toBe(5);
      expect(await dnloadAndWait(usb, 2, block)).toMatchObject({ status: 0, state: 5 });
    }
    const first = device.readFlash(0x080c0000, 1024);
    const differing = [...first].filter((b, i) => b !== block[i]);
    expect(differing).toHaveLength(1);
    expect(differing[0] & 0xa5).toBe(differing[0]);
    expect(device.readFlash(0x080e0000, 1024)).toEqual(block);
    expect(device.faults.fired).toEqual([expect.objectContaining({ kind: 'wrong-bytes' })]);
    // The read-back through DFU shows the stored bytes, not the sent ones.
    expect((await dnloadAndWait(usb, 0, command(0x21, 0x080c0000))).state).toBe(5);
    expect(await abort(usb)).toBe('ok');
    const back = await upload(usb, 2, 1024);
    expect(back).toEqual(first);
  });
});
