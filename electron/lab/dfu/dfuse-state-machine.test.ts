import { describe, expect, it } from 'vitest';
import { labPlatform } from '../platforms/lab-platforms';
import { normalFace } from '../usb/faces';
import { FAST, REALISTIC } from '../util/timing';
import { DFU_STATE, DFU_STATUS, type DfuStatusName } from './dfu-constants';
import { cmd, machine } from './machine-rig';

const S = DFU_STATE;

describe('DfuSe state machine: every state of the reference table', () => {
  it('dfuIDLE → DNLOAD-SYNC → DNBUSY → DNLOAD-IDLE for a command; work runs after the GETSTATUS reply', async () => {
    const { m, status, state } = machine(6);
    expect(await state()).toBe(S.dfuIDLE);
    expect(await m.out(1, 0, cmd(0x21, 0x080a0000))).toBe('ok');
    expect(await state()).toBe(S.dfuDNLOAD_SYNC);
    expect(m.addressPointer).toBe(0);
    expect((await status()).state).toBe(S.dfuDNBUSY);
    expect(await status()).toMatchObject({ state: S.dfuDNLOAD_IDLE, status: 0 });
    expect(m.addressPointer).toBe(0x080a0000);
  });

  it('dfuMANIFEST-SYNC → reported 5 on Gen 2 → dfuMANIFEST-WAIT-RESET → reset', async () => {
    let release: () => void = () => undefined;
    const { m, events, status, state } = machine(6, FAST, () => new Promise<void>((r) => (release = r)));
    expect(await m.out(1, 2, new Uint8Array(0))).toBe('ok');
    expect(await state()).toBe(S.dfuMANIFEST_SYNC);
    expect((await status()).state).toBe(S.dfuDNLOAD_IDLE);
    expect(m.state).toBe(S.dfuMANIFEST_WAIT_RESET);
    expect(await m.in(3, 0, 6)).toBe('stall');
    release();
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['leave']);
  });

  it('Gen 3 reports dfuMANIFEST (7) after the leave request', async () => {
    const { m, status } = machine(12);
    await m.out(1, 2, new Uint8Array(0));
    expect((await status()).state).toBe(S.dfuMANIFEST);
  });

  it('dfuUPLOAD-IDLE while full blocks come back, dfuIDLE after a short one', async () => {
    const { m, state } = machine(6);
    m.alt = 1;
    const full = await m.in(2, 2, 4096);
    expect(full).toHaveLength(4096);
    expect(await state()).toBe(S.dfuUPLOAD_IDLE);
    m.addressPointer = 0x4000 - 100;
    const short = await m.in(2, 2, 4096);
    expect(short).toHaveLength(100);
    expect(await state()).toBe(S.dfuIDLE);
  });

  it('get-commands (UPLOAD block 0): 00 21 41 on Gen 2; wLength > 3 returns to dfuIDLE, else dfuUPLOAD-IDLE', async () => {
    const { m, state } = machine(6);
    expect(Array.from((await m.in(2, 0, 64)) as Uint8Array)).toEqual([0x00, 0x21, 0x41]);
    expect(await state()).toBe(S.dfuIDLE);
    await m.in(2, 0, 3);
    expect(await state()).toBe(S.dfuUPLOAD_IDLE);
    expect(await m.out(6, 0, new Uint8Array(0))).toBe('ok');
    expect(await state()).toBe(S.dfuIDLE);
  });

  it('dfuERROR after an unexpected request (errSTALLEDPKT), CLRSTATUS → dfuIDLE', async () => {
    const { m, status } = machine(12);
    await m.out(1, 0, cmd(0x21, 0x1000));
    await status();
    await status();
    expect(await m.in(2, 2, 64)).toBe('stall');
    expect(await status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS.errSTALLEDPKT });
    expect(await m.out(4, 0, new Uint8Array(0))).toBe('ok');
    expect(await status()).toMatchObject({ state: S.dfuIDLE, status: 0 });
  });

  it('appIDLE / appDETACH never appear: Particle normal mode has no DFU run-time interface', () => {
    const face = normalFace(labPlatform(6), '0123456789abcdef01234567');
    const classes = face.interfaces.flatMap((i) => i.alternates.map((a) => a.interfaceClass));
    expect(classes).not.toContain(0xfe);
    expect([S.appIDLE, S.appDETACH]).toEqual([0, 1]);
  });
});

describe('DfuSe state machine: every status of the reference table', () => {
  it('errTARGET: mass erase is stalled on Gen 2 and answered errTARGET on Gen 3', async () => {
    const gen2 = machine(6);
    expect(await gen2.m.out(1, 0, cmd(0x41))).toBe('stall');
    expect(await gen2.status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS.errTARGET });
    const gen3 = machine(12);
    expect(await gen3.m.out(1, 0, cmd(0x41))).toBe('ok');
    await gen3.status();
    expect(await gen3.status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS.errTARGET });
  });

  it('errWRITE / errERASE: the Gen 2 protected area and read-only segments refuse', async () => {
    const { m, status } = machine(12);
    await m.out(1, 0, cmd(0x41, 0x00000000));
    await status();
    expect(await status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS.errERASE });
    await m.out(4, 0, new Uint8Array(0));
    await m.out(1, 0, cmd(0x21, 0x000f8000));
    await status();
    await status();
    await m.out(1, 2, new Uint8Array(16));
    await status();
    expect(await status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS.errWRITE });
  });

  it('errADDRESS: a set-address outside the memory map', async () => {
    const { m, status } = machine(12);
    await m.out(1, 0, cmd(0x21, 0x20000000));
    await status();
    expect(await status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS.errADDRESS });
  });

  it('errVERIFY: programming over non-erased flash (NOR can only clear bits)', async () => {
    const { m, status, flash } = machine(12);
    flash.program(0x40000, Uint8Array.of(0x0f));
    await m.out(1, 0, cmd(0x21, 0x40000));
    await status();
    await status();
    await m.out(1, 2, Uint8Array.of(0xf0));
    await status();
    expect(await status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS.errVERIFY });
    expect(flash.read(0x40000, 1)[0]).toBe(0x00);
  });

  it('errUNKNOWN: Gen 2 CLRSTATUS outside dfuERROR, a second CLRSTATUS gives dfuIDLE', async () => {
    const { m, status } = machine(6);
    expect(await m.out(4, 0, new Uint8Array(0))).toBe('ok');
    expect(await status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS.errUNKNOWN });
    await m.out(4, 0, new Uint8Array(0));
    expect(await status()).toMatchObject({ state: S.dfuIDLE, status: 0 });
  });

  const injectedOnly: DfuStatusName[] = ['errFILE', 'errCHECK_ERASED', 'errPROG', 'errNOTDONE', 'errFIRMWARE', 'errVENDOR', 'errUSBR', 'errPOR'];
  for (const name of Object.keys(DFU_STATUS) as DfuStatusName[]) {
    if (name === 'OK') continue;
    it(`${name} (0x${DFU_STATUS[name].toString(16)}) is reported${injectedOnly.includes(name) ? ' when injected' : ''}: Gen 2 stalls first, Gen 3 reports it`, async () => {
      const gen2 = machine(6);
      gen2.m.injectError(name);
      expect(await gen2.m.in(3, 0, 6)).toBe('stall');
      expect(await gen2.status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS[name] });
      const gen3 = machine(12);
      gen3.m.injectError(name);
      expect(await gen3.status()).toMatchObject({ state: S.dfuERROR, status: DFU_STATUS[name] });
      expect(await gen3.m.out(4, 0, new Uint8Array(0))).toBe('ok');
      expect(await gen3.status()).toMatchObject({ state: S.dfuIDLE, status: 0 });
    });
  }
});

describe('bwPollTimeout (realistic profile)', () => {
  it('Gen 2: internal flash 0 ms; DCT alt 1 ms after a write and 500 ms after an erase', async () => {
    const { m, status } = machine(6, REALISTIC);
    await m.out(1, 0, cmd(0x41, 0x080a0000));
    expect((await status()).poll).toBe(0);
    m.alt = 1;
    await m.out(1, 0, cmd(0x41, 0));
    expect((await status()).poll).toBe(500);
    await m.out(1, 0, cmd(0x21, 34));
    await status();
    await m.out(1, 2, new Uint8Array(100));
    expect((await status()).poll).toBe(1);
  });

  it('Gen 3 reports the time the flash work takes; fast profile reports a tiny poll timeout, never 0', async () => {
    const slow = machine(12, REALISTIC);
    await slow.m.out(1, 0, cmd(0x41, 0x40000));
    expect((await slow.status()).poll).toBeGreaterThan(0);
    const fast = machine(12);
    await fast.m.out(1, 0, cmd(0x41, 0x40000));
    expect((await fast.status()).poll).toBe(1);
  });
});
