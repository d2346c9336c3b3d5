import { afterEach, describe, expect, it } from 'vitest';
import type { FaultSpec, VirtualParticleDevice } from '../../lab';
import { getStatus } from '../../lab/test-support/raw-usb';
import { RescueError } from '../../../shared/errors';
import type { OperationContext } from '../operations/operation-runner';
import { labHarness, type LabHarness } from '../usb/testing/lab-harness';
import type { DfuPhase, DfuSession } from './dfu-session';

let h: LabHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const K = 1024;
const USER_PART = 0x080a0000;
const DFU_IDLE = 2;
const DFU_DNLOAD_IDLE = 5;

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 0xff);
}

function op<T>(harness: LabHarness, deviceId: string, run: (ctx: OperationContext) => Promise<T>): Promise<T> {
  return harness.operations.run('flash', deviceId, run);
}

async function caught(promise: Promise<unknown>): Promise<RescueError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RescueError);
  return error as RescueError;
}

/** Arms `fault` `at` transfers after the first progress report of `phase`. */
function armOn(device: VirtualParticleDevice, phase: DfuPhase, fault: FaultSpec): (p: { phase: DfuPhase }) => void {
  let armed = false;
  return (p) => {
    if (armed || p.phase !== phase) return;
    armed = true;
    device.faults.add(fault);
  };
}

/** Runs one DFU step of the given phase with a fault armed inside it. */
async function stepWithFault(session: DfuSession, device: VirtualParticleDevice, phase: DfuPhase, fault: FaultSpec, data: Uint8Array): Promise<void> {
  const arm = armOn(device, phase, fault);
  if (phase === 'erase' || phase === 'download') {
    // 128 KB + 16 bytes touches two 128 KB sectors, so the erase phase reports progress before it ends.
    await session.write(0, USER_PART, data, { erase: true, onProgress: arm });
  } else if (phase === 'upload') {
    await session.read(0, USER_PART, 32 * K, arm);
  } else if (phase === 'verify') {
    await session.verify(0, USER_PART, data.subarray(0, 32 * K), arm);
  } else {
    device.faults.add(fault);
    await session.leave();
  }
}

/** After a fault: plug back in if needed, then a full write + verify + leave must work. */
async function recovers(harness: LabHarness, device: VirtualParticleDevice): Promise<void> {
  if (device.mode === 'off') await device.plug();
  const image = pattern(8 * K, 99);
  const { dfu } = harness;
  await op(harness, device.deviceId, async (ctx) => {
    const session = await dfu.openSession(device.deviceId, ctx);
    await session.write(0, USER_PART, image, { erase: true });
    await session.verify(0, USER_PART, image);
  });
  expect(Buffer.from(device.readFlash(USER_PART, image.length)).equals(Buffer.from(image))).toBe(true);
}

describe('disconnect at each phase → DEVICE_GONE saying what state the device is in, then recoverable', () => {
  it.each(['erase', 'download', 'upload', 'verify'] as DfuPhase[])('during %s', async (phase) => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const data = pattern(128 * K + 16, 1);
    const { dfu } = h;
    const error = await caught(
      op(h, device.deviceId, async (ctx) => {
        const session = await dfu.openSession(device.deviceId, ctx);
        if (phase === 'upload' || phase === 'verify') await session.write(0, USER_PART, data, { erase: true });
        await stepWithFault(session, device, phase, { kind: 'disconnect', at: 2 }, data);
      }),
    );
    expect(error.code).toBe('DEVICE_GONE');
    expect(error.details).toMatchObject({ phase, deviceState: phase === 'erase' || phase === 'download' ? 'partially-written' : 'unchanged' });
    expect(error.message).toMatch(phase === 'erase' || phase === 'download' ? /partly (erased|written)/ : /Nothing on the device was changed/);
    expect(error.fix).toMatch(/Plug it back in/);
    expect(device.mode).toBe('off');
    await recovers(h, device);
  });

  it('while the session opens', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-bad-system');
    device.faults.add({ kind: 'disconnect', at: 2 });
    const { dfu } = h;
    const error = await caught(op(h, device.deviceId, (ctx) => dfu.openSession(device.deviceId, ctx)));
    expect(error).toMatchObject({ code: 'DEVICE_GONE', details: { phase: 'open' } });
    await device.plug();
    expect(device.mode).toBe('dfu');
    await op(h, device.deviceId, async (ctx) => {
      const session = await dfu.openSession(device.deviceId, ctx);
      expect((await session.read(1, 0, 64)).length).toBe(64);
    });
  });

  it('while leaving DFU mode → DFU_LEAVE_FAILED (did not come back), bounded', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const { dfu } = h;
    await op(h, device.deviceId, (ctx) => dfu.openSession(device.deviceId, ctx));
    device.faults.add({ kind: 'disconnect', at: 2 });
    const error = await caught(op(h, device.deviceId, (ctx) => dfu.leave(device.deviceId, ctx, { timeoutMs: 2000 })));
    expect(error.code).toBe('DFU_LEAVE_FAILED');
    expect(error.message).toMatch(/did not come back on USB/);
    await device.plug();
    expect((await h.devices.summary(device.deviceId)).usbMode).toBe('normal');
  });

  it('while asking a normal-mode device for DFU → falls through to the buttons and times out with advice', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    device.faults.add({ kind: 'disconnect', at: 2 });
    const { dfu } = h;
    const error = await caught(h.operations.run('enter-dfu', device.deviceId, (ctx) => dfu.enterDfu(device.deviceId, ctx, { timeoutMs: 2000 })));
    expect(error.code).toBe('TIMEOUT');
    await recovers(h, device);
  });
});

describe('a device that does not come back after re-enumerating', () => {
  it('after the DFU request → TIMEOUT with advice (bounded), recoverable by plugging it in again', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    device.faults.add({ kind: 'vanish-on-reenumerate', nth: 1 });
    const { dfu } = h;
    const error = await caught(h.operations.run('enter-dfu', device.deviceId, (ctx) => dfu.enterDfu(device.deviceId, ctx, { timeoutMs: 2000 })));
    expect(error.code).toBe('TIMEOUT');
    expect(error.fix).toMatch(/unplug the device/);
    await recovers(h, device);
  });

  it('after leaving DFU → DFU_LEAVE_FAILED saying it did not come back', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const { dfu } = h;
    await op(h, device.deviceId, (ctx) => dfu.openSession(device.deviceId, ctx));
    device.faults.add({ kind: 'vanish-on-reenumerate', nth: 1 });
    const error = await caught(op(h, device.deviceId, (ctx) => dfu.leave(device.deviceId, ctx, { timeoutMs: 2000 })));
    expect(error.code).toBe('DFU_LEAVE_FAILED');
    expect(error.fix).toMatch(/replug/);
    await device.plug();
    expect((await h.devices.summary(device.deviceId)).usbMode).toBe('normal');
  });
});

describe('stalls', () => {
  it.each(['erase', 'download', 'upload', 'verify'] as DfuPhase[])('a single stall during %s is retried and the step succeeds', async (phase) => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const data = pattern(128 * K + 16, 2);
    const { dfu } = h;
    await op(h, device.deviceId, async (ctx) => {
      const session = await dfu.openSession(device.deviceId, ctx);
      if (phase === 'upload' || phase === 'verify') await session.write(0, USER_PART, data, { erase: true });
      await stepWithFault(session, device, phase, { kind: 'stall', at: 2 }, data);
    });
    expect(device.faults.fired.map((f) => f.kind)).toContain('stall');
    expect(Buffer.from(device.readFlash(USER_PART, data.length)).equals(Buffer.from(data))).toBe(true);
    expect(h.opLog.recent(500).some((e) => e.level === 'warn' && /retry/.test(e.message))).toBe(true);
  });

  it('a device that keeps stalling → DFU_STALL after the retries, then idle and usable', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const { dfu } = h;
    const session = await op(h, device.deviceId, (ctx) => dfu.openSession(device.deviceId, ctx));
    for (let at = 1; at <= 30; at++) device.faults.add({ kind: 'stall', at });
    const error = await caught(session.write(0, USER_PART, pattern(4 * K, 3), { erase: true }));
    expect(error.code).toBe('DFU_STALL');
    expect(error.message).toMatch(/after 4 tries/);
    while (device.faults.scheduledAt().length > 0) await getStatus(device.usb!);
    const image = pattern(4 * K, 4);
    await session.write(0, USER_PART, image, { erase: true });
    await session.verify(0, USER_PART, image);
  });
});

describe('each DFU error status → DFU_STATUS_ERROR naming it, device left in dfuIDLE', () => {
  const STATUSES = [
    'errTARGET',
    'errFILE',
    'errWRITE',
    'errERASE',
    'errCHECK_ERASED',
    'errPROG',
    'errVERIFY',
    'errADDRESS',
    'errNOTDONE',
    'errFIRMWARE',
    'errVENDOR',
    'errUSBR',
    'errPOR',
    'errUNKNOWN',
    'errSTALLEDPKT',
  ] as const;

  it.each([
    ['photon-healthy', 'Gen 2: reported by stalling'],
    ['argon-seed', 'Gen 3: reported through GETSTATUS'],
  ])('%s (%s)', async (scenario) => {
    h = labHarness();
    const device = await h.lab.attach(scenario);
    const { dfu } = h;
    const session = await op(h, device.deviceId, (ctx) => dfu.openSession(device.deviceId, ctx));
    const address = scenario === 'argon-seed' ? 0x000d4000 : USER_PART;
    const data = pattern(12 * K, 5);
    for (const [i, status] of STATUSES.entries()) {
      // Alternate between hitting a GETSTATUS and hitting a DNLOAD of the data phase.
      const at = i % 2 === 0 ? 2 : 4;
      const outcome = await session
        .write(0, address, data, { erase: true, onProgress: armOn(device, 'download', { kind: 'dfu-status', status, at }) })
        .then(
          () => null,
          (e: unknown) => e as RescueError,
        );
      if (status === 'errSTALLEDPKT' && outcome === null) {
        // A stalled-packet status behind a stall is what a transient stall looks like: retried, and it worked.
        expect(Buffer.from(device.readFlash(address, data.length)).equals(Buffer.from(data))).toBe(true);
        expect([DFU_IDLE, DFU_DNLOAD_IDLE]).toContain((await getStatus(device.usb!)).state);
      } else {
        expect(outcome, status).toBeInstanceOf(RescueError);
        expect(outcome!.code).toBe('DFU_STATUS_ERROR');
        expect(outcome!.details).toMatchObject({ dfuStatus: status });
        expect(outcome!.message).toContain(status);
        expect((await getStatus(device.usb!)).state, status).toBe(DFU_IDLE);
      }
    }
    const image = pattern(12 * K, 6);
    await session.write(0, address, image, { erase: true });
    await session.verify(0, address, image);
  });
});

describe('cancellation', () => {
  it('cancelling mid-write ends as CANCELLED with the device back in dfuIDLE', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const { dfu, operations } = h;
    let operationId = '';
    const run = operations.run('flash', device.deviceId, async (ctx) => {
      operationId = ctx.operationId;
      const session = await dfu.openSession(device.deviceId, ctx);
      await session.write(0, USER_PART, pattern(128 * K, 8), {
        erase: true,
        signal: ctx.signal,
        onProgress: (p) => {
          if (p.phase === 'download' && p.bytesDone >= 16 * K) operations.cancel(operationId);
        },
      });
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await getStatus(device.usb!)).state).toBe(DFU_IDLE);
  });
});
