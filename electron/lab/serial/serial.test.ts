import { execFileSync } from 'node:child_process';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../device-lab';
import { FakeCloud } from '../test-support/fake-cloud';
import { until } from '../test-support/raw-usb';

let lab: DeviceLab | undefined;
let port: SerialPort | undefined;
afterEach(async () => {
  if (port?.isOpen) await new Promise((r) => port!.close(r));
  port = undefined;
  await lab?.close();
  lab = undefined;
});

/** CI installs socat: a missing socat is a failure here, not a skip. */
function socatPresent(): boolean {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function socatProcessesFor(deviceId: string): string {
  try {
    return execFileSync('pgrep', ['-f', `[s]ocat.*app-${deviceId}`]).toString().trim();
  } catch {
    return '';
  }
}

describe('virtual USB serial port (socat pty pair)', () => {
  it('socat is installed', () => {
    expect(socatPresent()).toBe(true);
  });

  it('serialport reads Device OS log lines from the device; listening-mode console answers keys', async () => {
    lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud(), serial: true });
    const device = await lab.attach('photon-no-wifi');
    const ref = await lab.serialAccess.locate(device.deviceId);
    expect(ref).toMatchObject({ virtual: true });
    let text = '';
    port = new SerialPort({ path: ref!.path, baudRate: 9600 });
    port.on('data', (chunk: Buffer) => (text += chunk.toString()));
    await new Promise<void>((resolve, reject) => port!.once('open', resolve).once('error', reject));
    port.write('i');
    await until(() => text.includes(`Your device id is ${device.deviceId}`), 'the console answer');
    await device.reset();
    await until(() => /\d{10} \[system\] INFO: Entering listening mode/.test(text), 'a boot log line');
  });

  it('has no serial port in DFU mode and kills socat on detach', async () => {
    lab = new DeviceLab({ timing: 'fast', serial: true });
    const device = await lab.attach('photon-healthy');
    expect(device.serialPath).not.toBeNull();
    await device.pressButtons('dfu');
    expect(await lab.serialAccess.locate(device.deviceId)).toBeNull();
    expect(device.logLines().length).toBeGreaterThan(0);
    expect(await lab.detach(device.deviceId)).toBe(true);
    expect(socatProcessesFor(device.deviceId)).toBe('');
  });
});
