import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../device-lab';
import { FakeCloud } from '../test-support/fake-cloud';
import { openDfu, readString, until, upload, command, dnloadAndWait, abort } from '../test-support/raw-usb';

let lab: DeviceLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

async function attach(scenario: string) {
  lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud() });
  return lab.attach(scenario);
}

describe('WebUSB semantics of a virtual device', () => {
  it('refuses transfers before open (InvalidStateError) and on an unclaimed interface', async () => {
    const device = await attach('photon-healthy');
    const usb = device.usb!;
    const setup = { requestType: 'standard' as const, recipient: 'device' as const, request: 6, value: 0x0100, index: 0 };
    await expect(usb.controlTransferIn(setup, 18)).rejects.toMatchObject({ name: 'InvalidStateError' });
    await usb.open();
    await expect(usb.controlTransferIn({ ...setup, requestType: 'class', recipient: 'interface', index: 2 }, 1)).rejects.toMatchObject({ name: 'InvalidStateError' });
    await expect(usb.selectAlternateInterface(0, 0)).rejects.toMatchObject({ name: 'InvalidStateError' });
    await expect(usb.claimInterface(7)).rejects.toMatchObject({ name: 'NotFoundError' });
    const r = await usb.controlTransferIn(setup, 18);
    expect(r.status).toBe('ok');
    expect(r.data!.getUint16(8, true)).toBe(0x2b04);
    expect(r.data!.getUint16(10, true)).toBe(0xc006);
  });

  it('normal mode: CDC + vendor control interface, product and serial strings', async () => {
    const device = await attach('photon-healthy');
    const usb = device.usb!;
    await usb.open();
    expect(usb.productName).toBe('Photon');
    expect(usb.manufacturerName).toBe('Particle');
    expect(usb.configurations[0].interfaces.map((i) => i.alternates[0].interfaceClass)).toEqual([0x02, 0x0a, 0xff]);
    expect(usb.configurations[0].interfaces[2].alternates[0].interfaceName).toBe('Photon Control Interface');
    expect(await readString(usb, 3)).toBe(device.deviceId);
    expect(await readString(usb, 0xee)).toBe('MSFT100\u00ee');
  });

  it('DFU mode: DfuSe layout strings per alt, readable as interfaceName and by GET_DESCRIPTOR; functional descriptor in the configuration', async () => {
    const device = await attach('photon-healthy');
    await device.pressButtons('dfu');
    const usb = device.usb!;
    expect(usb.productId).toBe(0xd006);
    expect(usb.productName).toBe('Photon DFU Mode');
    const alts = usb.configurations[0].interfaces[0].alternates;
    expect(alts.map((a) => a.interfaceName)).toEqual(['@Internal Flash   /0x08000000/03*016Ka,01*016Kg,01*064Kg,07*128Kg', '@DCT Flash   /0x00000000/01*016Kg']);
    expect(alts.every((a) => a.interfaceClass === 0xfe && a.interfaceSubclass === 1 && a.interfaceProtocol === 2)).toBe(true);
    await usb.open();
    expect(await readString(usb, 5)).toBe('@DCT Flash   /0x00000000/01*016Kg');
    const cfg = { requestType: 'standard' as const, recipient: 'device' as const, request: 6, value: 0x0200, index: 0 };
    const head = await usb.controlTransferIn(cfg, 4);
    const total = head.data!.getUint16(2, true);
    const whole = await usb.controlTransferIn(cfg, total);
    const bytes = new Uint8Array(whole.data!.buffer, whole.data!.byteOffset, whole.data!.byteLength);
    const at = bytes.findIndex((b, i) => b === 9 && bytes[i + 1] === 0x21);
    expect(at).toBeGreaterThan(0);
    expect(Array.from(bytes.subarray(at, at + 9))).toEqual([9, 0x21, 0x0b, 255, 0, 0x00, 0x10, 0x1a, 0x01]);
  });

  it('a re-enumerated handle is dead: NotFoundError', async () => {
    const device = await attach('photon-healthy');
    const old = device.usb!;
    await old.open();
    await device.reset();
    expect(device.usb).not.toBe(old);
    await expect(old.controlTransferIn({ requestType: 'standard', recipient: 'device', request: 6, value: 0x0100, index: 0 }, 18)).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('Device Protection (photon-protected = Photon 2 / P2 on Device OS 6.2.0)', () => {
  it('reports every layout letter as b, sm=p in string 0xFA, and refuses reads', async () => {
    const device = await attach('photon-protected');
    await device.pressButtons('dfu');
    const usb = device.usb!;
    expect(usb.productId).toBe(0xd020);
    const names = usb.configurations[0].interfaces[0].alternates.map((a) => a.interfaceName);
    expect(names).toEqual(['@Internal Flash   /0x08000000/2048*004Kb', '@DCT Flash   /0x00000000/1*016Kb']);
    await openDfu(usb, 1);
    expect(await readString(usb, 0xfa)).toMatch(/sm=p/);
    expect((await dnloadAndWait(usb, 0, command(0x21, 34))).status).toBe(0);
    await abort(usb);
    expect(await upload(usb, 2, 64)).toBe('stall');
  });
});

describe('Gen 2 DCT over DFU depends on system part 2', () => {
  it('photon-bad-system: DCT reads are garbage and writes fail until system part 2 is valid again', async () => {
    const device = await attach('photon-bad-system');
    await until(() => device.usb !== null, 'enumeration');
    expect(device.mode).toBe('dfu');
    const usb = device.usb!;
    await openDfu(usb, 1);
    expect((await dnloadAndWait(usb, 0, command(0x21, 34))).status).toBe(0);
    await abort(usb);
    const read = await upload(usb, 2, 64);
    expect(read).not.toEqual(device.dctBytes().subarray(34, 98));
    await abort(usb);
    const write = await dnloadAndWait(usb, 2, new Uint8Array(16));
    expect(write.stalled).toBe(true);
  });
});
