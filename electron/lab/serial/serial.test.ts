import { SerialPortStream } from '@serialport/stream';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../device-lab';
import { FakeCloud } from '../test-support/fake-cloud';
import { until } from '../test-support/raw-usb';
import { LabSerialBinding } from './lab-binding';
import { LabSerialPort } from './lab-serial-port';
import { openPtyPair, socatAvailable } from './pty-pair';

let lab: DeviceLab | undefined;
let port: SerialPortStream | SerialPort | undefined;
afterEach(async () => {
  if (port?.isOpen) await new Promise((r) => port!.close(r));
  port = undefined;
  await lab?.close();
  lab = undefined;
});

/** Opens a virtual port the way the app does: serialport's own stream over the lab's binding. */
async function open(path: string, baudRate = 115200): Promise<{ port: SerialPortStream; text: () => string; closed: Promise<Error | null> }> {
  const stream = new SerialPortStream({ binding: LabSerialBinding, path, baudRate, autoOpen: false });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const closed = new Promise<Error | null>((resolve) => stream.once('close', (error: Error | null) => resolve(error)));
  await new Promise<void>((resolve, reject) => stream.open((error) => (error ? reject(error) : resolve())));
  port = stream;
  return { port: stream, text: () => text, closed };
}

describe('virtual USB serial port through the lab binding (no socat, no pty)', () => {
  it('is listed like a real Particle port and carries Device OS log lines and the listening console', async () => {
    lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud(), serial: true });
    const device = await lab.attach('photon-no-wifi');
    const ref = await lab.serialAccess.locate(device.deviceId);
    expect(ref).toEqual({ path: `lab:${device.deviceId}`, virtual: true });
    expect(await LabSerialBinding.list()).toContainEqual(expect.objectContaining({ path: ref!.path, vendorId: '2b04', productId: 'c006', serialNumber: device.deviceId.toUpperCase() }));
    const { port: p, text } = await open(ref!.path);
    // Output written before anyone opened the port is waiting for the first reader.
    await until(() => /\d{10} \[system\] INFO: Entering listening mode/.test(text()), 'the boot log');
    p.write('i');
    await until(() => text().includes(`Your device id is ${device.deviceId}\r\n`), 'the console answer');
  });

  it('a reset drops the open port (a disconnect, as on USB); it can be opened again when the device is back', async () => {
    lab = new DeviceLab({ timing: 'fast', serial: true });
    const device = await lab.attach('photon-healthy');
    const first = await open(device.serialPath!);
    await device.reset();
    const error = await first.closed;
    expect(error).toMatchObject({ disconnected: true });
    await until(() => device.serialPath !== null, 'the port after the reset');
    const second = await open(device.serialPath!);
    await until(() => /\[system\] INFO: Device OS/.test(second.text()), 'the boot line after the reset');
  });

  it('has no port in DFU mode, refuses a second opener, and the port goes with the device', async () => {
    lab = new DeviceLab({ timing: 'fast', serial: true });
    const device = await lab.attach('photon-healthy');
    const path = device.serialPath!;
    await open(path);
    await expect(open(path)).rejects.toThrow(/cannot lock/);
    await device.pressButtons('dfu');
    expect(await lab.serialAccess.locate(device.deviceId)).toBeNull();
    expect((await LabSerialBinding.list()).map((p) => p.path)).not.toContain(path);
    await expect(open(path)).rejects.toThrow(/No such file/);
    expect(device.logLines().length).toBeGreaterThan(0);
    expect(await lab.detach(device.deviceId)).toBe(true);
    await expect(open(path)).rejects.toThrow(/No such file/);
  });

  it('opening the port at 14400 baud asks Device OS for DFU mode, as on hardware', async () => {
    lab = new DeviceLab({ timing: 'fast', serial: true });
    const device = await lab.attach('photon-healthy');
    const { closed } = await open(device.serialPath!, 14400);
    await until(() => device.mode === 'dfu', 'DFU mode');
    expect(await closed).toMatchObject({ disconnected: true });
  });
});

describe('output to a port nobody reads', () => {
  it('is bounded: the oldest lines are dropped and counted, the newest reach the next reader, whole', async () => {
    const vport = new LabSerialPort({ deviceId: 'feedfacefeedfacefeedface', vendorId: 0x2b04, productId: 0xc006, productName: 'Photon' }, 4096);
    try {
      vport.link.present(true);
      const line = (n: number) => `${String(n).padStart(10, '0')} [app] INFO: unread ${n}\r\n`;
      let written = 0;
      for (let n = 0; n < 10_000; n++) {
        vport.link.write(line(n));
        written += line(n).length;
      }
      const stats = vport.link.stats();
      expect(stats.bufferedBytes).toBeLessThanOrEqual(4096);
      expect(stats.droppedBytes).toBe(written - stats.bufferedBytes);
      expect(stats.droppedLines).toBeGreaterThan(9000);
      const reader = await open(vport.path);
      await until(() => reader.text().endsWith(line(9999)), 'the newest line');
      const lines = reader.text().split('\r\n').filter(Boolean);
      expect(lines.length).toBe(10_000 - stats.droppedLines);
      expect(lines[0]).toBe(line(stats.droppedLines).trimEnd());
    } finally {
      await vport.link.close();
    }
  });

  it("each device reports its port's buffer and drops", async () => {
    lab = new DeviceLab({ timing: 'fast', serial: true, serialBufferBytes: 2048 });
    const device = await lab.attach('photon-healthy');
    expect(device.serialStats()).toMatchObject({ capacityBytes: 2048, droppedBytes: 0 });
    expect(device.serialStats()!.bufferedBytes).toBeGreaterThan(0);
  });
});

describe('the socat pty option (for other serial tools)', () => {
  const socat = socatAvailable();
  const reason = 'socat is not installed (optional: apt-get install socat); the lab binding above is the default';

  it('gives the device a real pty that serialport reads; killing socat on detach', async (ctx) => {
    ctx.skip(!socat, reason);
    lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud(), serial: 'pty' });
    const device = await lab.attach('photon-no-wifi');
    const ref = await lab.serialAccess.locate(device.deviceId);
    expect(ref?.path).toMatch(/particle-lab-.*\/app-/);
    let text = '';
    const real = new SerialPort({ path: ref!.path, baudRate: 9600 });
    port = real;
    real.on('data', (chunk: Buffer) => (text += chunk.toString()));
    await new Promise<void>((resolve, reject) => real.once('open', resolve).once('error', reject));
    real.write('i');
    await until(() => text.includes(`Your device id is ${device.deviceId}`), 'the console answer');
    await new Promise((r) => real.close(r));
    expect(await lab.detach(device.deviceId)).toBe(true);
    expect(socatProcessesFor(device.deviceId)).toBe('');
  });

  it('a pty nobody reads never blocks the event loop: output is bounded and dropped oldest first', async (ctx) => {
    ctx.skip(!socat, reason);
    const dir = mkdtempSync(join(tmpdir(), 'particle-lab-test-'));
    const link = await openPtyPair(dir, 'abcdefabcdefabcdefabcdef', 8192);
    try {
      const chunk = `${'x'.repeat(1000)}\n`;
      for (let i = 0; i < 1000; i++) link.write(chunk); // 1 MB into a pty with no reader
      let ticks = 0;
      const ticking = setInterval(() => ticks++, 1);
      await until(() => link.stats().droppedBytes > 0 && ticks > 10, 'drops while the loop keeps running');
      clearInterval(ticking);
      expect(link.stats().bufferedBytes).toBeLessThanOrEqual(8192);
      expect(link.stats().droppedLines).toBeGreaterThan(900);
    } finally {
      await link.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function socatProcessesFor(deviceId: string): string {
  try {
    return execFileSync('pgrep', ['-f', `[s]ocat.*app-${deviceId}`]).toString().trim();
  } catch {
    return '';
  }
}
