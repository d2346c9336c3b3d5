import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { OperationLog } from '../operations/operation-log';
import type { SerialAccess } from '../usb/usb-source';
import type { LogPort } from './open-port';
import { SerialService } from './serial-service';

const DEVICE_ID = '0123456789abcdef01234567';

/** A port the test can feed and unplug (a pty cannot signal a hang-up to serialport). */
class FakePort extends EventEmitter implements LogPort {
  isOpen = true;
  close(callback: (error?: Error | null) => void): void {
    this.isOpen = false;
    callback(null);
    this.emit('close');
  }
  feed(text: string): void {
    this.emit('data', Buffer.from(text));
  }
  unplug(): void {
    this.isOpen = false;
    this.emit('close');
  }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(check()).toBe(true);
}

function rig(followMs = 5000) {
  let present = true;
  const ports: FakePort[] = [];
  const locator: SerialAccess = { locate: async () => (present ? { path: `/dev/ttyACM${ports.length}`, virtual: false } : null), touchBaud: async () => undefined };
  const serial = new SerialService({
    opLog: new OperationLog(null),
    locators: [locator],
    batchMs: 1,
    retryMs: 5,
    followMs,
    open: async () => {
      const port = new FakePort();
      ports.push(port);
      return port;
    },
  });
  return { serial, ports, setPresent: (p: boolean) => (present = p) };
}

describe('SerialService follows a device across resets', () => {
  it('reopens the port when the device comes back and keeps one numbered log', async () => {
    const { serial, ports, setPresent } = rig();
    await serial.start(DEVICE_ID);
    ports[0].feed('0000000001 [system] INFO: before reset\n');
    setPresent(false);
    ports[0].unplug();
    expect(serial.isStreaming(DEVICE_ID)).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(ports).toHaveLength(1);
    setPresent(true);
    await until(() => serial.isStreaming(DEVICE_ID));
    ports[1].feed('0000000002 [system] INFO: after reset\n');
    await until(() => serial.lines(DEVICE_ID).length === 2);
    expect(serial.lines(DEVICE_ID).map((l) => [l.seq, l.message])).toEqual([
      [0, 'before reset'],
      [1, 'after reset'],
    ]);
    expect(await serial.stop(DEVICE_ID)).toBe(true);
  });

  it('stops waiting when the user stops, and after its time is up', async () => {
    const stopped = rig();
    await stopped.serial.start(DEVICE_ID);
    stopped.setPresent(false);
    stopped.ports[0].unplug();
    expect(await stopped.serial.stop(DEVICE_ID)).toBe(true);
    stopped.setPresent(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped.serial.isStreaming(DEVICE_ID)).toBe(false);

    const expired = rig(20);
    await expired.serial.start(DEVICE_ID);
    expired.setPresent(false);
    expired.ports[0].unplug();
    await new Promise((r) => setTimeout(r, 60));
    expired.setPresent(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(expired.serial.isStreaming(DEVICE_ID)).toBe(false);
    expect(await expired.serial.stop(DEVICE_ID)).toBe(false);
  });

  it('does not reopen a port it closed itself', async () => {
    const { serial, ports } = rig();
    await serial.start(DEVICE_ID);
    await serial.stop(DEVICE_ID);
    await new Promise((r) => setTimeout(r, 30));
    expect(ports).toHaveLength(1);
  });
});
