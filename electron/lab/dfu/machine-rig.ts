import { FileDctStore } from '../dct/dct-store';
import { parseMemoryLayout } from '../flash/memory-layout';
import { NorFlash } from '../flash/nor-flash';
import { labPlatform } from '../platforms/lab-platforms';
import { FAST, type TimingProfile } from '../util/timing';
import { DctMemory, FlashMemory } from './dfu-memory';
import { DfuseStateMachine, type DfuseMachineOptions } from './dfuse-state-machine';

/** A DfuSe command payload: command byte, optional little-endian address. */
export const cmd = (byte: number, address?: number) => {
  if (address === undefined) return Uint8Array.of(byte);
  const out = new Uint8Array(5);
  out[0] = byte;
  new DataView(out.buffer).setUint32(1, address, true);
  return out;
};

/** One bootloader state machine over fresh flash and DCT, driven request by request in tests. */
export function machine(platformId: number, timing: TimingProfile = FAST, sleep = (_ms: number) => Promise.resolve(), extra: Partial<DfuseMachineOptions> = {}) {
  const platform = labPlatform(platformId);
  const flash = new NorFlash(parseMemoryLayout(platform.dfuAlts[0]));
  const dct = new FileDctStore();
  dct.format(new Uint8Array(8391).fill(0xff), null);
  const events: string[] = [];
  const m = new DfuseStateMachine({
    platform,
    memories: [new FlashMemory('internal', flash, platform.dfuAlts[0], platform.protectedArea, false), new DctMemory(dct, platform.dfuAlts[1], false, () => true, 1)],
    timing,
    sleep,
    onLeave: () => events.push('leave'),
    onSafeMode: () => events.push('safe'),
    onDetach: () => events.push('detach'),
    ...extra,
  });
  const status = async () => {
    const r = await m.in(3, 0, 6);
    if (r === 'stall') return { stalled: true, status: -1, state: -1, poll: 0 };
    return { stalled: false, status: r[0], poll: r[1] | (r[2] << 8) | (r[3] << 16), state: r[4] };
  };
  const state = async () => {
    const r = await m.in(5, 0, 1);
    return r === 'stall' ? -1 : r[0];
  };
  return { m, flash, events, status, state };
}
