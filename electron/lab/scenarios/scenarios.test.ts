import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../device-lab';
import { FakeCloud } from '../test-support/fake-cloud';
import { until } from '../test-support/raw-usb';
import { SCENARIOS } from './catalogue';

/** Expected boot result of each scenario with a cloud attached (led-status.md, dct-and-keys.md). */
const EXPECTED: Record<string, { mode: string; led: string; online: boolean; pid: number }> = {
  'photon-healthy': { mode: 'normal', led: 'breathing-cyan', online: true, pid: 0xc006 },
  'photon-seed': { mode: 'normal', led: 'cyan-red-burst', online: false, pid: 0xc006 },
  'photon-blank-keys': { mode: 'normal', led: 'cyan-orange-burst-3', online: false, pid: 0xc006 },
  'photon-private-cloud': { mode: 'normal', led: 'cyan-orange-burst-3', online: false, pid: 0xc006 },
  'photon-no-wifi': { mode: 'listening', led: 'blinking-blue', online: false, pid: 0xc006 },
  'photon-bad-system': { mode: 'dfu', led: 'blinking-yellow', online: false, pid: 0xd006 },
  'photon-old-os': { mode: 'normal', led: 'breathing-cyan', online: true, pid: 0xc006 },
  'photon-protected': { mode: 'normal', led: 'breathing-cyan', online: true, pid: 0xc020 },
  'electron-seed': { mode: 'normal', led: 'cyan-red-burst', online: false, pid: 0xc00a },
  'argon-seed': { mode: 'normal', led: 'cyan-red-burst', online: false, pid: 0xc00c },
  'photon-wifi-lost': { mode: 'listening', led: 'blinking-blue', online: false, pid: 0xc006 },
};

let lab: DeviceLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const settled = (led: string) => !['blinking-green', 'blinking-cyan', 'off'].includes(led);

describe('scenario boot results', () => {
  it('lists every scenario the issue names', () => {
    expect(new DeviceLab().scenarios().map((s) => s.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const def of SCENARIOS) {
    it(`${def.name}: boots to ${EXPECTED[def.name].mode} / ${EXPECTED[def.name].led}`, async () => {
      const cloud = new FakeCloud();
      lab = new DeviceLab({ timing: 'fast', cloud, seed: 5 });
      const device = await lab.attach(def.name);
      await until(() => settled(device.led().patternId), 'the LED to settle');
      const expected = EXPECTED[def.name];
      expect(device.mode).toBe(expected.mode);
      expect(device.led().patternId).toBe(expected.led);
      expect(device.cloudOnline).toBe(expected.online);
      expect(cloud.online.has(device.deviceId)).toBe(expected.online);
      expect(device.usb?.productId).toBe(expected.pid);
      expect(device.usb?.serialNumber).toBe(device.deviceId);
      expect(device.deviceId).toMatch(/^[0-9a-f]{24}$/);
    });
  }

  it('without a cloud nobody connects: 3 orange bursts', async () => {
    lab = new DeviceLab({ timing: 'fast' });
    const device = await lab.attach('photon-healthy');
    await until(() => settled(device.led().patternId), 'the LED to settle');
    expect(device.led().patternId).toBe('cyan-orange-burst-3');
    expect(device.cloudOutcome).toBe('no-cloud');
  });

  it('starts from the same state every time (same seed → same device id and DCT)', async () => {
    const a = new DeviceLab({ timing: 'fast', seed: 9 });
    const b = new DeviceLab({ timing: 'fast', seed: 9 });
    const da = await a.attach('photon-seed');
    const db = await b.attach('photon-seed');
    expect(da.deviceId).toBe(db.deviceId);
    expect(da.readFlash(0x08020000, 0x8000)).toEqual(db.readFlash(0x08020000, 0x8000));
    await a.close();
    await b.close();
  });

  it('blank private key: the firmware generates one and writes its public key, the cloud still rejects it', async () => {
    const cloud = new FakeCloud();
    lab = new DeviceLab({ timing: 'fast', cloud });
    const device = await lab.attach('photon-blank-keys');
    await until(() => settled(device.led().patternId), 'the LED to settle');
    const dct = device.dctBytes();
    expect(dct[34]).toBe(0x30);
    expect(dct[1250]).toBe(0x30);
    expect(device.logLines().some((l) => /generated a new RSA device key/.test(l))).toBe(true);
    expect(device.logLines().some((l) => /device\.spark\.io:5683/.test(l))).toBe(true);
  });

  it('photon-seed comes online once the cloud learns the device key (the device keeps retrying)', async () => {
    const cloud = new FakeCloud();
    lab = new DeviceLab({ timing: 'fast', cloud });
    const device = await lab.attach('photon-seed');
    await until(() => device.led().patternId === 'cyan-red-burst', 'red bursts');
    const { publicSpkiFromPrivate } = await import('../keys/lab-keys');
    const der = device.dctBytes().subarray(34, 34 + 612);
    cloud.registerDevice(device.deviceId, { platformId: 6, publicKeySpki: publicSpkiFromPrivate('tcp', der.subarray(0, 4 + ((der[2] << 8) | der[3])))! });
    await until(() => device.cloudOnline, 'the device to come online');
    expect(device.led().patternId).toBe('breathing-cyan');
  });
});
