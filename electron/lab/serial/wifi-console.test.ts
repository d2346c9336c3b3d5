import DeviceOSProtobuf from '@particle/device-os-protobuf';
import { SerialPortStream } from '@serialport/stream';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../device-lab';
import { FakeCloud } from '../test-support/fake-cloud';
import { controlRequest, until } from '../test-support/raw-usb';
import { LabSerialBinding } from './lab-binding';

const ctrl = DeviceOSProtobuf.definitions;
let lab: DeviceLab | undefined;
let port: SerialPortStream | undefined;
afterEach(async () => {
  if (port?.isOpen) await new Promise((r) => port!.close(r));
  port = undefined;
  await lab?.close();
  lab = undefined;
});

/** The Photon's two WICED DCT sectors and the Wi-Fi block offset (dct-and-keys.md §10.1). */
const SECTORS = [0x08004000, 0x08008000];
const WIFI_BLOCK = 6704;

async function console(path: string) {
  const stream = new SerialPortStream({ binding: LabSerialBinding, path, baudRate: 115200, autoOpen: false });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await new Promise<void>((resolve, reject) => stream.open((error) => (error ? reject(error) : resolve())));
  port = stream;
  return { stream, text: () => text };
}

describe('listening-mode console `w` on a virtual Photon (photon-wifi-lost)', () => {
  it('asks SSID, security, cipher, password; stores them in the current WICED sector; the Photon leaves listening mode and connects', async () => {
    lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud(), serial: true });
    const device = await lab.attach('photon-wifi-lost');
    expect(device.mode).toBe('listening');
    const { stream, text } = await console(device.serialPath!);
    const step = async (send: string, prompt: string) => {
      stream.write(send);
      await until(() => text().includes(prompt), prompt);
    };
    await step('w', 'SSID: ');
    await step('RescueLab\r', 'Security 0=unsecured, 1=WEP, 2=WPA, 3=WPA2: ');
    await step('7\r', 'Security 0=unsecured, 1=WEP, 2=WPA, 3=WPA2: \r\nSecurity 0=unsecured');
    await step('3\r', 'Security Cipher 1=AES, 2=TKIP, 3=AES+TKIP: ');
    await step('1\r', 'Password: ');
    await step('particle-rescue\r', "Awesome. Now we'll connect!");
    expect(text()).not.toContain('particle-rescue');
    await until(() => device.cloudOnline, 'the cloud connection');
    expect(device.led().patternId).toBe('breathing-cyan');
    // The block as a DFU alt-0 dump would show it: in the sector whose header says current.
    const current = SECTORS.find((s) => device.readFlash(s + 9, 1)[0] === 0x01)!;
    const block = device.readFlash(current + WIFI_BLOCK, 1 + 32 + 1 + 1 + 15);
    expect(block[0]).toBe(9);
    expect(new TextDecoder().decode(block.subarray(1, 10))).toBe('RescueLab');
    expect(block[33]).toBe(3);
    expect(block[34]).toBe(15);
    expect(new TextDecoder().decode(block.subarray(35, 50))).toBe('particle-rescue');
  });

  it('a wrong password is stored, and the Photon blinks green for ever (never reaches the cloud)', async () => {
    lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud(), serial: true });
    const device = await lab.attach('photon-wifi-lost');
    const { stream, text } = await console(device.serialPath!);
    stream.write('w');
    await until(() => text().includes('SSID: '), 'SSID prompt');
    stream.write('RescueLab\r3\r1\rwrong-password\r');
    await until(() => text().includes("Now we'll connect"), 'saved');
    await until(() => device.logLines().some((l) => l.includes('authentication rejected')), 'the failed join');
    expect(device.mode).toBe('normal');
    expect(device.led().patternId).toBe('blinking-green');
    expect(device.cloudOnline).toBe(false);
  });
});

describe('Wi-Fi requests 500–507 on a virtual Argon', () => {
  it('507 stores, 502 lists, 503 removes, 504 clears, 506 scans; over-long passwords are INVALID_ARGUMENT; a Photon answers NOT_SUPPORTED', async () => {
    lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud() });
    const argon = await lab.attach('argon-seed');
    await argon.usb!.open();
    const usb = argon.usb!;
    const set = (ssid: string, password: string) =>
      controlRequest(usb, 507, Uint8Array.from(ctrl.wifi.SetNetworkCredentialsRequest.encode({ ssid, security: 3, credentials: { type: 1, password } }).finish()));
    expect(await set('Home', 'home-password')).toMatchObject({ result: 0 });
    expect(await set('Long', 'p'.repeat(65))).toMatchObject({ result: -270 });
    expect(await set('', 'whatever-pass')).toMatchObject({ result: -270 });
    const known = async () => {
      const r = await controlRequest(usb, 502);
      if (r === 'stall') throw new Error('stall');
      return ctrl.wifi.GetKnownNetworksReply.decode(r.data).networks.map((n) => n.ssid);
    };
    expect(await known()).toEqual(['Home', 'RescueLab']);
    expect(argon.wifiProfiles()[0]).toEqual({ ssid: 'Home', security: 'wpa2', password: 'home-password' });
    expect(await controlRequest(usb, 503, Uint8Array.from(ctrl.wifi.RemoveKnownNetworkRequest.encode({ ssid: 'Home' }).finish()))).toMatchObject({ result: 0 });
    expect(await known()).toEqual(['RescueLab']);
    expect(await controlRequest(usb, 504)).toMatchObject({ result: 0 });
    expect(await known()).toEqual([]);
    const scan = await controlRequest(usb, 506);
    if (scan === 'stall') throw new Error('stall');
    expect(ctrl.wifi.ScanNetworksReply.decode(scan.data).networks.map((n) => n.ssid)).toEqual(['RescueLab', 'RescueLab-Guest']);

    const photon = await lab.attach('photon-healthy');
    await photon.usb!.open();
    expect(await controlRequest(photon.usb!, 506)).toMatchObject({ result: -120 });
  });
});
