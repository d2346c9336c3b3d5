import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../device-lab';
import { FakeCloud } from '../test-support/fake-cloud';
import { command, dnloadAndWait, getStatus, openDfu, abort, until, upload, clrStatus } from '../test-support/raw-usb';
import { SeededRandom } from '../util/prng';
import type { UsbDeviceLike } from '../../services/usb/webusb';

let lab: DeviceLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

async function photonInDfu() {
  lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud() });
  const device = await lab.attach('photon-healthy');
  await device.pressButtons('dfu');
  await until(() => device.mode === 'dfu' && device.usb !== null, 'DFU mode');
  return device;
}

async function readBack(usb: UsbDeviceLike, address: number, length: number): Promise<Uint8Array> {
  expect((await dnloadAndWait(usb, 0, command(0x21, address))).status).toBe(0);
  expect(await abort(usb)).toBe('ok');
  const out = new Uint8Array(length);
  for (let block = 2, got = 0; got < length; block++) {
    const chunk = await upload(usb, block, Math.min(4096, length - got));
    if (chunk === 'stall') throw new Error('upload stalled');
    out.set(chunk, got);
    got += chunk.length;
  }
  await abort(usb);
  return out;
}

describe('raw DfuSe download + upload, by hand', () => {
  it('writes 10 000 bytes into the user-part sector of a Photon and reads exactly them back', async () => {
    const device = await photonInDfu();
    const usb = device.usb!;
    await openDfu(usb, 0);
    const start = await getStatus(usb);
    expect(start).toMatchObject({ status: 0, state: 2, stalled: false });

    const data = new SeededRandom(42).bytes(10_000);
    const address = 0x080a0000;
    // Erase the one 128 KB sector, then Set-address once and count wBlockNum up from 2 (dfu-util style).
    expect((await dnloadAndWait(usb, 0, command(0x41, address))).state).toBe(5);
    expect((await dnloadAndWait(usb, 0, command(0x21, address))).state).toBe(5);
    for (let offset = 0, block = 2; offset < data.length; offset += 4096, block++) {
      const s = await dnloadAndWait(usb, block, data.subarray(offset, offset + 4096));
      expect(s).toMatchObject({ status: 0, state: 5 });
    }
    expect(await abort(usb)).toBe('ok');
    expect(await readBack(usb, address, data.length)).toEqual(data);
    expect(device.readFlash(address, data.length)).toEqual(data);
  });

  it('writes a key into the DCT (alt 1, no erase) and reads it back at the same offset', async () => {
    const device = await photonInDfu();
    const usb = device.usb!;
    await openDfu(usb, 1);
    const key = new SeededRandom(7).bytes(609);
    expect((await dnloadAndWait(usb, 0, command(0x21, 34))).state).toBe(5);
    expect(await dnloadAndWait(usb, 2, key)).toMatchObject({ status: 0, state: 5 });
    expect(await abort(usb)).toBe('ok');
    expect(await readBack(usb, 34, 609)).toEqual(key);
    expect(device.dctBytes().subarray(34, 34 + 609)).toEqual(key);
  });

  it('leaves DFU with a zero-length DNLOAD: Gen 2 reports state 5, then re-enumerates with the normal PID', async () => {
    const device = await photonInDfu();
    const usb = device.usb!;
    const before = device.enumerations;
    await openDfu(usb, 0);
    expect((await usb.controlTransferOut({ requestType: 'class', recipient: 'interface', request: 1, value: 2, index: 0 }, new Uint8Array(0))).status).toBe('ok');
    const s = await getStatus(usb);
    expect(s.state).toBe(5);
    await until(() => device.usb !== null && device.usb !== usb, 're-enumeration');
    expect(device.usb!.productId).toBe(0xc006);
    expect(device.enumerations).toBe(before + 1);
    await expect(usb.open()).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('reports errors by stalling on Gen 2 and recovers with CLRSTATUS', async () => {
    const device = await photonInDfu();
    const usb = device.usb!;
    await openDfu(usb, 0);
    // The bootloader sector is protected even though the layout marks part of it writable.
    const result = await dnloadAndWait(usb, 0, command(0x41, 0x0800c000));
    expect(result.stalled).toBe(true);
    expect(await getStatus(usb)).toMatchObject({ status: 0x04, state: 10 });
    expect(await clrStatus(usb)).toBe('ok');
    expect(await getStatus(usb)).toMatchObject({ status: 0, state: 2 });
  });
});
