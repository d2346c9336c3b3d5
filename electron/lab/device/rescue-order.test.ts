import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../device-lab';
import { buildModuleImage } from '../firmware-images';
import { FakeCloud } from '../test-support/fake-cloud';
import { abort, command, dnloadAndWait, openDfu, until, upload } from '../test-support/raw-usb';
import type { UsbDeviceLike } from '../../services/usb/webusb';

let lab: DeviceLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

async function write(usb: UsbDeviceLike, address: number, data: Uint8Array): Promise<void> {
  for (let offset = 0; offset < data.length; offset += 4096) {
    expect((await dnloadAndWait(usb, 0, command(0x21, address + offset))).status).toBe(0);
    expect(await dnloadAndWait(usb, 2, data.subarray(offset, offset + 4096))).toMatchObject({ status: 0, state: 5 });
  }
}

describe('rescue order on Gen 2: Device OS first, then keys', () => {
  it('photon-bad-system: after restoring system part 2 over DFU the DCT is readable and the device boots and connects', async () => {
    lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud() });
    const device = await lab.attach('photon-bad-system');
    expect(device.mode).toBe('dfu');
    expect(device.bootReason).toMatch(/system part 2/);
    const usb = device.usb!;
    await openDfu(usb, 0);
    const part2 = buildModuleImage({
      platformId: 6,
      function: 'systemPart',
      index: 2,
      version: 2302,
      startAddress: 0x08060000,
      size: 0x8000,
      prefixOffset: 0x184,
      dependency: { function: 'systemPart', index: 1, version: 2302 },
      dependency2: { function: 'bootloader', index: 0, version: 1003 },
    });
    expect((await dnloadAndWait(usb, 0, command(0x41, 0x08060000))).status).toBe(0);
    await write(usb, 0x08060000, part2);
    await abort(usb);

    await usb.selectAlternateInterface(0, 1);
    await dnloadAndWait(usb, 0, command(0x21, 34));
    await abort(usb);
    expect(await upload(usb, 2, 612)).toEqual(device.dctBytes().subarray(34, 34 + 612));
    await abort(usb);

    await usb.controlTransferOut({ requestType: 'class', recipient: 'interface', request: 1, value: 2, index: 0 }, new Uint8Array(0));
    await usb.controlTransferIn({ requestType: 'class', recipient: 'interface', request: 3, value: 0, index: 0 }, 6);
    await until(() => device.cloudOnline, 'the repaired device to connect');
    expect(device.mode).toBe('normal');
    expect(device.led().patternId).toBe('breathing-cyan');
  });

  it('Photon alt 0 exposes both raw WICED DCT sectors read-only: one current (header 00 01 01 00 BRCM), one stale', async () => {
    lab = new DeviceLab({ timing: 'fast' });
    const device = await lab.attach('photon-healthy');
    await device.pressButtons('dfu');
    const usb = device.usb!;
    await openDfu(usb, 0);
    const headers: number[][] = [];
    for (const address of [0x08004000, 0x08008000]) {
      await dnloadAndWait(usb, 0, command(0x21, address));
      await abort(usb);
      headers.push(Array.from(((await upload(usb, 2, 4096)) as Uint8Array).subarray(8, 16)));
      await abort(usb);
    }
    expect(headers.map((h) => h[1]).sort()).toEqual([0x00, 0x01]);
    expect(headers.find((h) => h[1] === 1)).toEqual([0x00, 0x01, 0x01, 0x00, 0x42, 0x52, 0x43, 0x4d]);
    const refused = await dnloadAndWait(usb, 0, command(0x41, 0x08004000));
    expect(refused.stalled).toBe(true);
  });
});

describe('Electron cloud transport byte', () => {
  it('cloud_transport 0x00 at DCT 2977 switches the Electron to TCP: it uses (and here generates) the RSA key slot', async () => {
    lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud() });
    const device = await lab.attach('electron-seed');
    await device.pressButtons('dfu');
    const usb = device.usb!;
    await openDfu(usb, 1);
    await dnloadAndWait(usb, 0, command(0x21, 2977));
    expect(await dnloadAndWait(usb, 2, Uint8Array.of(0x00))).toMatchObject({ status: 0, state: 5 });
    await device.reset();
    await until(() => device.led().patternId.includes('burst'), 'a handshake attempt');
    expect(device.logLines().some((l) => /\(TCP\)/.test(l))).toBe(true);
    expect(device.dctBytes()[34]).toBe(0x30);
  });
});
