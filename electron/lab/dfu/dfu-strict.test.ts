import { afterEach, describe, expect, it } from 'vitest';
import { REALISTIC } from '../util/timing';
import { DFU_STATE, DFU_STATUS } from './dfu-constants';
import { cmd, machine } from './machine-rig';
import { labHarness, quickSleep, type LabHarness } from '../../services/usb/testing/lab-harness';
import { realSleep } from '../../services/usb/sleep';

const S = DFU_STATE;

describe('DFU strictness where the lab used to be lenient (dfu-dfuse.md, DFU 1.1)', () => {
  it('Gen 3: an unexpected request stalls and leaves dfuERROR / errSTALLEDPKT; a retry without CLRSTATUS fails', async () => {
    const { m, status } = machine(12);
    expect(await m.in(2, 2, 64)).not.toBe('stall'); // UPLOAD from idle is fine
    expect(await m.out(1, 2, Uint8Array.of(1))).toBe('stall'); // DNLOAD in dfuUPLOAD-IDLE
    expect(await status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS.errSTALLEDPKT });
    expect(await m.out(1, 0, cmd(0x21, 0xd4000))).toBe('stall'); // retried without CLRSTATUS
    expect(await m.out(4, 0, new Uint8Array(0))).toBe('ok'); // CLRSTATUS
    expect(await m.out(1, 0, cmd(0x21, 0xd4000))).toBe('ok');
  });

  it('Gen 2: DNLOAD/UPLOAD in the wrong state only stall, the state is kept', async () => {
    const { m, status, state } = machine(6);
    expect(await m.in(2, 0, 3)).toEqual(Uint8Array.of(0x00, 0x21, 0x41)); // Get-commands, exact length
    expect(await state()).toBe(S.dfuUPLOAD_IDLE);
    expect(await m.out(1, 2, Uint8Array.of(1))).toBe('stall');
    expect(await state()).toBe(S.dfuUPLOAD_IDLE);
    expect(await m.out(1, 0, cmd(0x21, 0x080a0000))).toBe('stall');
    expect(await status()).toMatchObject({ state: S.dfuUPLOAD_IDLE, status: 0 });
  });

  it('Gen 2: ABORT in dfuERROR is accepted and ignored (no else branch); Gen 3 stalls it', async () => {
    const gen2 = machine(6);
    gen2.m.injectError('errWRITE');
    await gen2.status(); // the stall of the injected error
    expect(await gen2.m.out(6, 0, new Uint8Array(0))).toBe('ok');
    expect(await gen2.status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS.errWRITE });
    const gen3 = machine(12);
    gen3.m.injectError('errWRITE');
    expect(await gen3.m.out(6, 0, new Uint8Array(0))).toBe('stall');
  });

  it('Gen 3 answers dfuDNBUSY again while the flash still works, with the time still needed', async () => {
    const { m, status } = machine(12, REALISTIC, realSleep);
    expect(await m.out(1, 0, cmd(0x41, 0xd4000))).toBe('ok');
    const first = await status();
    expect(first).toMatchObject({ state: S.dfuDNBUSY });
    expect(first.poll).toBeGreaterThan(0);
    const second = await status();
    expect(second).toMatchObject({ state: S.dfuDNBUSY });
    expect(second.poll).toBeGreaterThan(0);
    await realSleep(first.poll + 20);
    expect(await status()).toMatchObject({ state: S.dfuDNLOAD_IDLE, status: 0 });
  });

  it('strict option: a GETSTATUS before the reported poll timeout stalls into dfuERROR / errSTALLEDPKT', async () => {
    const { m, status } = machine(12, REALISTIC, realSleep, { strictPoll: () => true });
    expect(await m.out(1, 0, cmd(0x41, 0xd4000))).toBe('ok');
    const busy = await status();
    expect(busy.poll).toBeGreaterThan(0);
    expect((await status()).stalled).toBe(true);
    await realSleep(busy.poll + 20);
    expect(await status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS.errSTALLEDPKT });
  });
});

describe('Gen 3/4 DfuSe extensions', () => {
  it('command-list upload answers its full length and returns to dfuIDLE', async () => {
    const { m, state } = machine(12);
    expect(Array.from((await m.in(2, 0, 2)) as Uint8Array)).toEqual([0x00, 0x21, 0x41, 0xfa, 0xfb]);
    expect(await state()).toBe(S.dfuIDLE);
    expect(Array.from((await m.in(2, 0, 64)) as Uint8Array)).toHaveLength(5);
    expect(await state()).toBe(S.dfuIDLE);
  });

  it('0xFB is accepted with 5 bytes (and 1)', async () => {
    for (const payload of [cmd(0xfb, 0), cmd(0xfb)]) {
      const { m, status } = machine(12);
      expect(await m.out(1, 0, payload)).toBe('ok');
      await status();
      expect(await status()).toMatchObject({ state: S.dfuDNLOAD_IDLE, status: 0 });
    }
  });

  it('0xFA: the next GETSTATUS after the work reports dfuMANIFEST-SYNC, then the device resets into safe mode', async () => {
    const { m, status, events } = machine(12);
    expect(await m.out(1, 0, cmd(0xfa))).toBe('ok');
    expect(await status()).toMatchObject({ state: S.dfuDNBUSY });
    expect(await status()).toMatchObject({ state: S.dfuMANIFEST_SYNC, status: 0 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(events).toEqual(['safe']);
  });
});

describe('the host against a strict device, with the sleep used in production (not capped)', () => {
  let h: LabHarness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  async function writeOnStrictArgon(sleep: (ms: number, signal?: AbortSignal) => Promise<void>) {
    h = labHarness({ timing: 'realistic', sleep });
    const harness = h;
    const device = await harness.lab.attach('argon-seed', { faults: { faults: [{ kind: 'strict-poll' }] } });
    const image = Uint8Array.from({ length: 8192 }, (_, i) => (i * 7 + 1) & 0xff);
    return harness.operations.run('flash', device.deviceId, async (ctx) => {
      const session = await harness.dfu.openSession(device.deviceId, ctx);
      await session.write(0, 0xd4000, image, { erase: true });
      await session.verify(0, 0xd4000, image);
      return device;
    });
  }

  it('real sleeps honour every bwPollTimeout: the write verifies on a strict device', async () => {
    const device = await writeOnStrictArgon(realSleep);
    expect(device.faults.fired.filter((f) => f.kind === 'stall')).toEqual([]);
  });

  it('a host whose sleeps are capped at 2 ms is caught by the strict device', async () => {
    await expect(writeOnStrictArgon(quickSleep)).rejects.toBeDefined();
  });
});
