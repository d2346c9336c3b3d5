import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../shared/contract/logs';
import { EventBus } from '../../rpc/event-bus';
import { OperationLog } from '../operations/operation-log';
import type { SerialAccess } from '../usb/usb-source';
import { RealSerialAccess } from './real-serial-access';
import { SerialService } from './serial-service';
import { openSocatPort, openVirtualPort, SOCAT_MISSING, type TestPort } from './test-support/virtual-port';

const DEVICE_ID = '0123456789abcdef01234567';
const OTHER_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';

function locatorFor(pty: TestPort): SerialAccess {
  return {
    locate: async (id) => (id === DEVICE_ID ? { path: pty.hostEnd, virtual: true } : null),
    touchBaud: async () => undefined,
  };
}

async function until<T>(check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const transports: [string, () => Promise<TestPort | null>][] = [
  ["the lab's serialport binding", async () => openVirtualPort()],
  ['a real pty pair (socat, optional)', openSocatPort],
];

describe.each(transports)('SerialService over %s', (_name, openTestPort) => {
  let pty: TestPort;
  let bus: EventBus;
  let batches: LogLine[][];
  let service: SerialService;

  beforeEach(async (ctx) => {
    const port = await openTestPort();
    if (!port) return ctx.skip(SOCAT_MISSING);
    pty = port;
    bus = new EventBus();
    batches = [];
    bus.subscribe((event, payload) => {
      if (event === 'logs.lines') batches.push((payload as { lines: LogLine[] }).lines);
    });
    service = new SerialService({ opLog: new OperationLog(null), bus, locators: [locatorFor(pty)], batchMs: 20, capacity: 1000 });
  });

  afterEach(async () => {
    await service?.stopAll();
    await pty?.close();
  });

  it('streams parsed Device OS lines in batches and buffers them', async () => {
    expect(await service.ports([DEVICE_ID, OTHER_ID])).toEqual([{ deviceId: DEVICE_ID, path: pty.hostEnd, virtual: true }]);
    const [first, second] = await Promise.all([service.start(DEVICE_ID), service.start(DEVICE_ID)]);
    expect(first).toEqual({ path: pty.hostEnd });
    expect(second).toEqual({ path: pty.hostEnd });
    expect(await service.start(DEVICE_ID)).toEqual({ path: pty.hostEnd });
    await pty.write('0000001000 [system] INFO: Device OS v2.3.1\r\n0000001200 [comm.proto');
    await pty.write('col] INFO: Handshake completed\r\n\u0000\u0007garbage\r\n0000001300 [app] ERROR: sensor failed\r\n');
    const lines = await until(() => service.lines(DEVICE_ID).length >= 4 && service.lines(DEVICE_ID));
    expect(lines.map((l) => [l.seq, l.level, l.category, l.message])).toEqual([
      [0, 'info', 'system', 'Device OS v2.3.1'],
      [1, 'info', 'comm.protocol', 'Handshake completed'],
      [2, 'unknown', '', 'garbage'],
      [3, 'error', 'app', 'sensor failed'],
    ]);
    await until(() => batches.flat().length === 4);
    expect(batches.length).toBeLessThan(4);
    expect(batches.flat().every((l) => l.deviceId === DEVICE_ID)).toBe(true);
  });

  it('keeps memory bounded and exports the filtered buffer', async () => {
    const small = new SerialService({ opLog: new OperationLog(null), locators: [locatorFor(pty)], capacity: 50, batchMs: 5, now: () => new Date('2026-11-25T10:00:00Z') });
    await small.start(DEVICE_ID);
    let text = '';
    for (let i = 0; i < 200; i++) text += `${String(i).padStart(10, '0')} [app] ${i % 2 ? 'WARN' : 'INFO'}: line ${i}\n`;
    await pty.write(text);
    await until(() => small.lines(DEVICE_ID).at(-1)?.message === 'line 199');
    const lines = small.lines(DEVICE_ID);
    expect(lines).toHaveLength(50);
    expect(lines[0].message).toBe('line 150');
    const exported = small.export(DEVICE_ID, { minLevel: 'warn' });
    expect(exported.fileName).toBe(`particle-log-${DEVICE_ID}-2026-11-25T10-00-00-000Z.txt`);
    expect(exported.content.split('\n').filter(Boolean)).toHaveLength(25);
    expect(exported.content).toContain('0000000199 [app] WARN: line 199');
    expect(await small.stop(DEVICE_ID)).toBe(true);
    expect(await small.stop(DEVICE_ID)).toBe(false);
    expect(small.isStreaming(DEVICE_ID)).toBe(false);
  });

  it('takes a flood in without blocking: every line delivered once, in bounded batches, buffer capped', async () => {
    await service.start(DEVICE_ID);
    let text = '';
    for (let i = 0; i < 10_000; i++) text += `${String(i).padStart(10, '0')} [app] INFO: flood ${i}\n`;
    await pty.write(text);
    await until(() => batches.flat().length === 10_000, 20_000);
    expect(batches.every((b) => b.length <= 2000)).toBe(true);
    expect(batches.flat().map((l) => l.seq)).toEqual([...Array(10_000).keys()]);
    expect(service.lines(DEVICE_ID)).toHaveLength(1000);
  });

  it('stops cleanly, keeps the buffer and can start again', async () => {
    await service.start(DEVICE_ID);
    await pty.write('0000000001 [app] INFO: first\n');
    await until(() => service.lines(DEVICE_ID).length === 1);
    expect(await service.stop(DEVICE_ID)).toBe(true);
    await service.start(DEVICE_ID);
    await pty.write('0000000002 [app] INFO: second\n');
    await until(() => service.lines(DEVICE_ID).length === 2);
    expect(service.lines(DEVICE_ID).map((l) => l.seq)).toEqual([0, 1]);
  });

  it('explains a device without a serial port', async () => {
    await expect(service.start(OTHER_ID)).rejects.toMatchObject({ code: 'SERIAL_UNAVAILABLE' });
  });

  it('touchBaud opens the real port at the magic rate and closes it again', async () => {
    const access = new RealSerialAccess({ listPorts: async () => [{ path: pty.hostEnd, vendorId: '2b04', serialNumber: DEVICE_ID }], platform: 'darwin' });
    await access.touchBaud(DEVICE_ID, 14400);
    await service.start(DEVICE_ID);
    await pty.write('0000000003 [app] INFO: still usable\n');
    await until(() => service.lines(DEVICE_ID).length === 1);
  });
});
