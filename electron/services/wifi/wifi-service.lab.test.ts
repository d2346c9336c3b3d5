import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../../lab/device-lab';
import { FakeCloud } from '../../lab/test-support/fake-cloud';
import { until } from '../../lab/test-support/raw-usb';
import { RescueError } from '../../../shared/errors';
import { OperationLog } from '../operations/operation-log';
import { DeviceManager } from '../usb/device-manager';
import { WifiService } from './wifi-service';

/** The lab's access point (electron/lab/device/wifi-networks.ts): a lab fact, not the product's. */
const AP = { ssid: 'RescueLab', security: 'wpa2', password: 'particle-rescue' } as const;

let lab: DeviceLab | null = null;
let devices: DeviceManager | null = null;
afterEach(async () => {
  devices?.close();
  await lab?.close();
  lab = null;
  devices = null;
});

async function setup(scenario: string, options: { connectTimeoutMs?: number; consoleTimeoutMs?: number } = {}) {
  lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud(), serial: true, seed: 3 });
  const device = await lab.attach(scenario);
  const opLog = new OperationLog(null);
  devices = new DeviceManager({ sources: lab.source, serial: lab.serialAccess, opLog });
  const wifi = new WifiService({ devices, serial: lab.serialAccess, opLog, pollMs: 20, connectTimeoutMs: options.connectTimeoutMs ?? 5000, consoleTimeoutMs: options.consoleTimeoutMs ?? 2000 });
  const logText = () => opLog.recent(5000).map((e) => e.message).join('\n');
  return { device, wifi, logText };
}

async function refused(promise: Promise<unknown>): Promise<RescueError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RescueError);
  const rescue = error as RescueError;
  expect(rescue.fix.length).toBeGreaterThan(10);
  return rescue;
}

describe('Wi-Fi over USB on a Photon (listening-mode console `w`)', () => {
  it('photon-wifi-lost: the credentials land in the DCT, the Photon leaves listening mode, connects, and boots normally after a reset', async () => {
    const { device, wifi, logText } = await setup('photon-wifi-lost');
    expect(device.mode).toBe('listening');
    expect(device.led().patternId).toBe('blinking-blue');
    const result = await wifi.setCredentials(device.deviceId, AP);
    expect(result).toMatchObject({ method: 'listening-console', stored: true, connected: true, ssid: 'RescueLab', security: 'wpa2' });
    expect(JSON.stringify(result)).not.toContain(AP.password);
    expect(device.wifiProfiles()).toEqual([{ ssid: 'RescueLab', security: 'wpa2', password: AP.password }]);
    expect(device.cloudOnline).toBe(true);
    expect(device.led().patternId).toBe('breathing-cyan');
    expect(logText()).toContain('RescueLab');
    expect(logText()).not.toContain(AP.password);
    expect(device.logLines().join('\n')).not.toContain(AP.password);
    await device.reset();
    await until(() => device.cloudOnline, 'the Photon online after a reset');
    expect(device.mode).toBe('normal');
  });

  it('a wrong password is stored but the Photon blinks green for ever and the result says it did not connect', async () => {
    const { device, wifi } = await setup('photon-wifi-lost', { connectTimeoutMs: 300 });
    const result = await wifi.setCredentials(device.deviceId, { ...AP, password: 'not-the-password' });
    expect(result).toMatchObject({ stored: true, connected: false });
    expect(result.message).toMatch(/blinking green/i);
    expect(device.mode).toBe('normal');
    expect(device.led().patternId).toBe('blinking-green');
    expect(device.cloudOnline).toBe(false);
  });

  it('bad input is refused before anything is written: empty SSID, password over 64, unsupported security, short WPA2 password', async () => {
    const { device, wifi } = await setup('photon-wifi-lost');
    const cases = [
      { ...AP, ssid: '' },
      { ...AP, ssid: '   ' },
      { ...AP, password: 'x'.repeat(65) },
      { ...AP, security: 'wpa3' },
      { ...AP, security: 'wpa2-enterprise' },
      { ...AP, password: 'short' },
      { ...AP, ssid: 'S'.repeat(33) },
    ];
    for (const input of cases) {
      const error = await refused(wifi.setCredentials(device.deviceId, input));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).not.toContain('x'.repeat(65));
    }
    expect(device.wifiProfiles()).toEqual([]);
    expect(device.mode).toBe('listening');
  });

  it('a Photon that is not in listening mode: WRONG_MODE, its stored network untouched', async () => {
    const { device, wifi } = await setup('photon-healthy');
    await until(() => device.cloudOnline, 'online');
    const before = device.wifiProfiles();
    const error = await refused(wifi.setCredentials(device.deviceId, AP));
    expect(error.code).toBe('WRONG_MODE');
    expect(device.wifiProfiles()).toEqual(before);
  });

  it('a console that does not answer (firmware without request 72, not listening): TIMEOUT, nothing written', async () => {
    const { device, wifi } = await setup('photon-old-os', { consoleTimeoutMs: 200 });
    await until(() => device.cloudOnline, 'online');
    const before = device.wifiProfiles();
    const error = await refused(wifi.setCredentials(device.deviceId, AP));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/Nothing was stored/);
    expect(device.wifiProfiles()).toEqual(before);
  });

  it('scan and stored list say honestly that a Photon cannot do them over USB', async () => {
    const { device, wifi } = await setup('photon-wifi-lost');
    expect(await wifi.scan(device.deviceId)).toMatchObject({ supported: false, networks: [] });
    expect(await wifi.listStored(device.deviceId)).toMatchObject({ supported: false, networks: [] });
  });

  it('a cellular device is refused: WRONG_PLATFORM', async () => {
    const { device, wifi } = await setup('electron-seed');
    expect((await refused(wifi.setCredentials(device.deviceId, AP))).code).toBe('WRONG_PLATFORM');
  });
});

describe('Wi-Fi over USB on an Argon (requests 500–507)', () => {
  it('scans (506), stores (507), lists (502) and leaves listening mode (71)', async () => {
    const { device, wifi } = await setup('argon-seed', { connectTimeoutMs: 200 });
    device.startListening();
    const scan = await wifi.scan(device.deviceId);
    expect(scan.supported).toBe(true);
    expect(scan.networks.map((n) => [n.ssid, n.security])).toEqual([
      ['RescueLab', 'wpa2'],
      ['RescueLab-Guest', 'open'],
    ]);
    const result = await wifi.setCredentials(device.deviceId, { ssid: 'RescueLab-Guest', security: 'open', password: 'ignored-for-open' });
    // argon-seed's key is unknown to the cloud: stored and joined, but not connected — and it says so.
    expect(result).toMatchObject({ method: 'control-requests', stored: true, connected: false });
    expect(device.mode).toBe('normal');
    expect(device.wifiProfiles()[0]).toEqual({ ssid: 'RescueLab-Guest', security: 'open', password: '' });
    const stored = await wifi.listStored(device.deviceId);
    expect(stored.networks).toEqual([
      { ssid: 'RescueLab-Guest', security: 'open' },
      { ssid: 'RescueLab', security: 'wpa2' },
    ]);
    await until(() => device.led().patternId === 'cyan-red-burst', 'the handshake after the Wi-Fi join');
  });

  it('a wrong password on the Argon: blinking green, not connected', async () => {
    const { device, wifi } = await setup('argon-seed', { connectTimeoutMs: 200 });
    device.startListening();
    const result = await wifi.setCredentials(device.deviceId, { ssid: 'Elsewhere', security: 'wpa2', password: 'whatever-pass' });
    expect(result.connected).toBe(false);
    const lab2 = await wifi.setCredentials(device.deviceId, { ...AP, password: 'wrong-password' });
    expect(lab2.connected).toBe(false);
    expect(device.led().patternId).toBe('blinking-green');
  });
});
