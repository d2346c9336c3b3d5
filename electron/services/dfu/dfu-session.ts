import { RescueError } from '../../../shared/errors';
import type { OperationLog } from '../operations/operation-log';
import type { AttachedDevice } from '../usb/attached-device';
import { realSleep, throwIfAborted, type Sleep } from '../usb/sleep';
import { classifyTransferError, describeError } from '../usb/usb-errors';
import { DfuProtocol } from './dfu-protocol';
import { DfuseCommand, DfuState, dfuStateName, dfuStatusHint, dfuStatusName, type DfuStatus } from './dfu-constants';
import { DEFAULT_TRANSFER_SIZE, parseConfigDescriptor, readConfigDescriptor, readStringDescriptor, type DfuFunctional } from './descriptors';
import { looksProtected, parseMemoryLayout, sectorsTouched, segmentAt, type MemoryLayout } from './memory-layout';
import { assertReadable, assertWritable } from './region-guards';
import { firstDifference } from './verify-bytes';

export type DfuPhase = 'erase' | 'download' | 'upload' | 'verify' | 'leave';
export interface DfuProgress {
  phase: DfuPhase;
  bytesDone: number;
  bytesTotal: number;
}
export type DfuProgressCallback = (progress: DfuProgress) => void;

export interface DfuRetryPolicy {
  /** Tries per step (a special command, one block), counting the first. */
  attempts: number;
  /** Wait before the n-th retry is n × delayMs. */
  delayMs: number;
}

export interface DfuSessionDeps {
  sleep?: Sleep;
  opLog?: OperationLog;
  retry?: DfuRetryPolicy;
  transferTimeoutMs?: number;
}

export interface DfuWriteOptions {
  erase: boolean;
  onProgress?: DfuProgressCallback;
  signal?: AbortSignal;
}

/** The DCT window (alt 1 on every Particle platform) is written in place: erasing it is never right. */
const DCT_ALT = 1;
const DEVICE_PROTECTION_STRING = 0xfa;
/** Upper bounds on status polling so a device stuck in dfuDNBUSY cannot hang an operation. */
const MAX_POLLS = 2_000;
const MAX_POLL_WAIT_MS = 60_000;
/**
 * Longest single wait between two GETSTATUS requests. bwPollTimeout is 24 bits (up to 4.6 hours): a
 * device that reports nonsense must not park the host; the overall limit above still applies.
 */
export const MAX_POLL_SLEEP_MS = 5_000;
/** DFU 1.1 bmAttributes bit 2: the device returns to dfuIDLE after manifestation instead of resetting. */
const MANIFESTATION_TOLERANT = 0x04;

const IDLE_OR_DNLOAD = [DfuState.dfuIDLE, DfuState.dfuDNLOAD_IDLE];
/** After a DNLOAD the device must end in dfuDNLOAD-IDLE: dfuIDLE means it dropped the block. */
const AFTER_DNLOAD = [DfuState.dfuDNLOAD_IDLE];
/** States in which the device is still working on the last request: keep polling. */
const BUSY: readonly number[] = [DfuState.dfuDNLOAD_SYNC, DfuState.dfuDNBUSY, DfuState.dfuMANIFEST_SYNC, DfuState.dfuMANIFEST];

interface StepContext {
  phase: DfuPhase;
  alt: number;
  address: number;
  length: number;
  bytesDone: number;
}

/**
 * One open DFU interface: layouts are read once, then any number of reads and writes run on it
 * without re-enumerating (read DCT, write a key slot, write the server key, flash a module…).
 */
export class DfuSession {
  private readonly protocol: DfuProtocol;
  private readonly sleep: Sleep;
  private readonly retry: DfuRetryPolicy;
  private readonly layouts = new Map<number, MemoryLayout>();
  private currentAlt = -1;
  private functional: DfuFunctional | null = null;
  private protectedFlag = false;
  private state: 'open' | 'left' | 'closed' = 'open';
  /** Where the last download started: the image start a DfuSe leave points the device at. */
  private lastDownload: { alt: number; address: number } | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly device: AttachedDevice,
    private readonly deps: DfuSessionDeps,
  ) {
    this.protocol = new DfuProtocol(device.usb, deps.transferTimeoutMs);
    this.sleep = deps.sleep ?? realSleep;
    this.retry = deps.retry ?? { attempts: 4, delayMs: 1000 };
  }

  static async open(device: AttachedDevice, deps: DfuSessionDeps = {}): Promise<DfuSession> {
    if (device.usbMode !== 'dfu') {
      throw new RescueError('WRONG_MODE', `Device ${device.deviceId} is not in DFU mode.`, 'Put the device into DFU mode first (blinking yellow).');
    }
    const session = new DfuSession(device, deps);
    try {
      await session.init();
    } catch (error) {
      await session.close();
      const explained = session.explain(error, { phase: 'upload', alt: 0, address: 0, length: 0, bytesDone: 0 });
      if (explained.code !== 'DEVICE_GONE') throw explained;
      throw new RescueError(
        'DEVICE_GONE',
        'The device disconnected while the DFU session was opening. Nothing on it was changed.',
        'Plug it back in, put it into DFU mode again if it is not blinking yellow, and retry.',
        { phase: 'open', deviceState: 'unchanged' },
      );
    }
    return session;
  }

  get transferSize(): number {
    return this.functional?.transferSize || DEFAULT_TRANSFER_SIZE;
  }

  /** Control transfers sent so far (bench and tests use it to count host overhead). */
  get transferCount(): number {
    return this.protocol.transferCount;
  }

  get isProtected(): boolean {
    return this.protectedFlag;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  alts(): number[] {
    return [...this.layouts.keys()].sort((a, b) => a - b);
  }

  layout(alt: number): MemoryLayout {
    const layout = this.layouts.get(alt);
    if (!layout) {
      throw new RescueError('INVALID_INPUT', `This device has no DFU memory with alt setting ${alt}.`, `Use one of: ${this.alts().join(', ') || 'none'}.`);
    }
    return layout;
  }

  read(alt: number, address: number, length: number, onProgress?: DfuProgressCallback, signal?: AbortSignal): Promise<Uint8Array> {
    return this.exclusive(() => this.readAs('upload', alt, address, length, onProgress, signal));
  }

  write(alt: number, address: number, input: Uint8Array, options: DfuWriteOptions): Promise<void> {
    return this.exclusive(() => this.writeNow(alt, address, input, options));
  }

  private async writeNow(alt: number, address: number, input: Uint8Array, options: DfuWriteOptions): Promise<void> {
    this.assertUsable();
    // A private copy: Node Buffers are views into shared pools, and chunks must be standalone.
    const data = new Uint8Array(input);
    const layout = this.layout(alt);
    assertWritable(this.device.platformId, alt, layout, address, data.length);
    const ctx: StepContext = { phase: 'erase', alt, address, length: data.length, bytesDone: 0 };
    const started = Date.now();
    await this.guard(ctx, options.signal, async () => {
      await this.useAlt(alt, options.signal);
      await this.goIdle(IDLE_OR_DNLOAD, options.signal);
      if (options.erase && alt !== DCT_ALT) await this.erase(layout, ctx, options);
      ctx.phase = 'download';
      ctx.bytesDone = 0;
      this.lastDownload = { alt, address };
      await this.download(layout, data, ctx, options);
    });
    this.log('info', `wrote ${data.length} bytes at ${hex(address)} (alt ${alt}${options.erase && alt !== DCT_ALT ? ', erased first' : ''})`, Date.now() - started);
  }

  async verify(alt: number, address: number, data: Uint8Array, onProgress?: DfuProgressCallback, signal?: AbortSignal): Promise<void> {
    const actual = await this.exclusive(() => this.readAs('verify', alt, address, data.length, onProgress, signal));
    const at = firstDifference(data, actual);
    if (at >= 0) {
      throw new RescueError(
        'VERIFY_MISMATCH',
        `What the device holds at ${hex(address + at)} differs from what was written (byte ${at} of ${data.length}).`,
        'Write it again; if it keeps failing the flash may be worn or the device is not what it claims to be.',
        { alt, address, offset: at },
      );
    }
  }

  /** Manifest: zero-length DNLOAD; the device then resets into its firmware and leaves USB. */
  leave(signal?: AbortSignal): Promise<void> {
    return this.exclusive(() => this.leaveNow(signal));
  }

  private async leaveNow(signal?: AbortSignal): Promise<void> {
    // Leaving is allowed on a protected device: it only restarts it.
    this.assertOpen();
    const ctx: StepContext = { phase: 'leave', alt: this.currentAlt, address: 0, length: 0, bytesDone: 0 };
    try {
      await this.guard(ctx, signal, async () => {
        await this.goIdle(IDLE_OR_DNLOAD, signal);
        await this.pointAtImageStart(signal);
        await this.protocol.dnload(2, new Uint8Array(0), signal);
        if (this.manifestationTolerant) {
          // Tolerant devices finish manifestation, return to dfuIDLE and wait: the host resets them.
          await this.pollUntil([DfuState.dfuIDLE], signal);
          if (this.device.usb.reset) await this.device.usb.reset();
          else this.log('warn', 'the device stays in DFU idle after manifestation and this USB backend cannot reset it');
        } else {
          await this.pollUntil([DfuState.dfuMANIFEST, DfuState.dfuDNLOAD_IDLE, DfuState.dfuMANIFEST_WAIT_RESET], signal);
        }
      });
    } catch (error) {
      // Vanishing right after the manifest request is the expected way to leave.
      if (!RescueError.is(error, 'DEVICE_GONE')) throw error;
    }
    this.state = 'left';
    this.log('info', 'left DFU mode');
    await this.release();
  }

  private get manifestationTolerant(): boolean {
    return ((this.functional?.attributes ?? 0) & MANIFESTATION_TOLERANT) !== 0;
  }

  /**
   * DfuSe leave (dfu-util `:leave`): the address pointer goes to the start of the image just written
   * (or of the current alt's memory) before the zero-length DNLOAD, so a bootloader that jumps to it
   * starts the firmware. Particle bootloaders ignore it; a refusal is logged, not fatal.
   */
  private async pointAtImageStart(signal?: AbortSignal): Promise<void> {
    if (this.currentAlt < 0 || !this.layouts.has(this.currentAlt)) return;
    const start = this.lastDownload?.alt === this.currentAlt ? this.lastDownload.address : this.layout(this.currentAlt).segments[0]?.start;
    if (start === undefined) return;
    try {
      await this.command(DfuseCommand.SET_ADDRESS, start, signal);
    } catch (error) {
      if (!isTransient(error) && !RescueError.is(error, 'DFU_STATUS_ERROR')) throw error;
      this.log('warn', `set-address ${hex(start)} before leaving was refused (${describeError(error)})`);
      await this.goIdle(IDLE_OR_DNLOAD, signal);
    }
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    if (wasOpen) await this.release();
  }

  private async init(): Promise<void> {
    const usb = this.device.usb;
    if (!usb.opened) await usb.open();
    if (!usb.configuration && usb.configurations[0]) await usb.selectConfiguration(usb.configurations[0].configurationValue);
    await usb.claimInterface(0);
    await usb.selectAlternateInterface(0, 0);
    this.currentAlt = 0;
    const config = await readConfigDescriptor(usb);
    const parsed = config ? parseConfigDescriptor(config) : null;
    this.functional = parsed?.functional ?? null;
    const declared = usb.configuration?.interfaces.find((i) => i.interfaceNumber === 0)?.alternates ?? [];
    const alts = parsed?.alts.length
      ? parsed.alts.filter((a) => a.interfaceNumber === 0)
      : declared.map((a) => ({ interfaceNumber: 0, alternateSetting: a.alternateSetting, iInterface: 0 }));
    for (const alt of alts) {
      const text = (await readStringDescriptor(usb, alt.iInterface)) ?? declared.find((a) => a.alternateSetting === alt.alternateSetting)?.interfaceName ?? null;
      const layout = text ? parseMemoryLayout(text) : null;
      if (layout) this.layouts.set(alt.alternateSetting, layout);
    }
    if (!this.layouts.has(0)) {
      throw new RescueError('DFU_PROTOCOL', 'The DFU device did not describe its memory (no DfuSe layout on alt 0).', 'Check that this is a Particle device in DFU mode; unplug and replug it.');
    }
    this.protectedFlag = await this.readProtection();
    await this.goIdle(IDLE_OR_DNLOAD);
    this.log('info', `DFU session open: alts ${this.alts().join(',')}, transfer size ${this.transferSize}${this.protectedFlag ? ', protected' : ''}`);
  }

  /** Device OS ≥ 6.1.2 says so in string 0xFA (`sm=p`); older firmware shows erase-only letters. */
  private async readProtection(): Promise<boolean> {
    const text = await readStringDescriptor(this.device.usb, DEVICE_PROTECTION_STRING).catch(() => null);
    const mode = text ? /(?:^|;)sm=([a-z])/.exec(text)?.[1] : undefined;
    if (mode) return mode === 'p';
    return looksProtected(this.layout(0));
  }

  private async readAs(phase: 'upload' | 'verify', alt: number, address: number, length: number, onProgress?: DfuProgressCallback, signal?: AbortSignal): Promise<Uint8Array> {
    this.assertUsable();
    const layout = this.layout(alt);
    assertReadable(alt, layout, address, length);
    const out = new Uint8Array(length);
    const ctx: StepContext = { phase, alt, address, length, bytesDone: 0 };
    const started = Date.now();
    await this.guard(ctx, signal, async () => {
      await this.useAlt(alt, signal);
      await this.goIdle(IDLE_OR_DNLOAD, signal);
      while (ctx.bytesDone < length) {
        // A retry restarts the block run at the first byte not yet read.
        await this.attempt(ctx, signal, async () => {
          await this.command(DfuseCommand.SET_ADDRESS, address + ctx.bytesDone, signal);
          await this.abortToIdle(signal);
          for (let block = 2; ctx.bytesDone < length; block++) {
            const want = Math.min(this.transferSize, length - ctx.bytesDone);
            const chunk = await this.protocol.upload(block, want, signal);
            if (chunk.length !== want) {
              throw new RescueError('DFU_PROTOCOL', `The device returned ${chunk.length} of ${want} bytes at ${hex(address + ctx.bytesDone)}.`, 'The range may run past the end of the memory; check the address and length.');
            }
            out.set(chunk, ctx.bytesDone);
            ctx.bytesDone += want;
            onProgress?.({ phase, bytesDone: ctx.bytesDone, bytesTotal: length });
          }
        });
      }
      await this.abortToIdle(signal);
    });
    this.log('trace', `read ${length} bytes at ${hex(address)} (alt ${alt})`, Date.now() - started);
    return out;
  }

  private async erase(layout: MemoryLayout, ctx: StepContext, options: DfuWriteOptions): Promise<void> {
    const end = ctx.address + ctx.length;
    for (const sector of sectorsTouched(layout, ctx.address, ctx.length)) {
      await this.attempt(ctx, options.signal, () => this.command(DfuseCommand.ERASE, sector, options.signal));
      const sectorEnd = sector + (segmentAt(layout, sector)?.sectorSize ?? 0);
      ctx.bytesDone = Math.min(end, sectorEnd) - ctx.address;
      options.onProgress?.({ phase: 'erase', bytesDone: ctx.bytesDone, bytesTotal: ctx.length });
    }
  }

  /**
   * Data blocks (wBlockNum 2 after a Set-address each). A failed block may already be partly
   * programmed, so it is never simply sent again onto that flash: with erase on, its sectors are
   * erased again and the write resumes at the first byte of the first one; with erase off (a region
   * the caller erased) a block the device may have started programming is not retried at all. DCT
   * writes are rewrites of a whole sector by the bootloader and are retried as they are.
   */
  private async download(layout: MemoryLayout, data: Uint8Array, ctx: StepContext, options: DfuWriteOptions): Promise<void> {
    const { alt, address } = ctx;
    const inPlace = alt === DCT_ALT;
    let failures = 0;
    let offset = 0;
    while (offset < data.length) {
      const chunk = data.slice(offset, offset + this.transferSize);
      let sent = false;
      try {
        await this.command(DfuseCommand.SET_ADDRESS, address + offset, options.signal);
        sent = true;
        await this.protocol.dnload(2, chunk, options.signal);
        await this.pollUntil(AFTER_DNLOAD, options.signal);
      } catch (error) {
        if (!isTransient(error)) throw error;
        if (RescueError.is(error, 'DFU_STALL')) await this.throwIfDeviceError(options.signal);
        failures += 1;
        if (failures >= this.retry.attempts || (sent && !inPlace && !options.erase)) throw error;
        this.log('warn', `download at ${hex(address + offset)} failed (${describeError(error)}), retry ${failures} of ${this.retry.attempts - 1}`);
        await this.sleep(this.retry.delayMs * failures, options.signal);
        throwIfAborted(options.signal);
        await this.goIdle(IDLE_OR_DNLOAD, options.signal).catch((e: unknown) => {
          if (!isTransient(e)) throw e;
        });
        if (sent && !inPlace) offset = await this.eraseAgain(layout, address, offset, chunk.length, ctx, options.signal);
        continue;
      }
      failures = 0;
      offset += chunk.length;
      ctx.bytesDone = offset;
      options.onProgress?.({ phase: 'download', bytesDone: ctx.bytesDone, bytesTotal: data.length });
    }
  }

  /** Erases the sectors under a failed block again; returns the offset to resume writing from. */
  private async eraseAgain(layout: MemoryLayout, address: number, offset: number, length: number, ctx: StepContext, signal?: AbortSignal): Promise<number> {
    const sectors = sectorsTouched(layout, address + offset, length);
    for (const sector of sectors) await this.attempt(ctx, signal, () => this.command(DfuseCommand.ERASE, sector, signal));
    this.log('warn', `erased ${sectors.map(hex).join(', ')} again before rewriting the block`);
    return Math.max(0, (sectors[0] ?? address + offset) - address);
  }

  /** DfuSe special command (DNLOAD block 0), then poll until the device has carried it out. */
  private async command(command: number, address: number, signal?: AbortSignal): Promise<void> {
    const payload = new Uint8Array(5);
    payload[0] = command;
    new DataView(payload.buffer).setUint32(1, address >>> 0, true);
    await this.protocol.dnload(0, payload, signal);
    await this.pollUntil(AFTER_DNLOAD, signal);
  }

  private async pollUntil(wanted: readonly number[], signal?: AbortSignal): Promise<DfuStatus> {
    let status = await this.protocol.getStatus(signal);
    let waited = 0;
    const started = Date.now();
    for (let polls = 0; !wanted.includes(status.state) && status.state !== DfuState.dfuERROR && status.status === 0; polls++) {
      if (!BUSY.includes(status.state)) {
        throw new RescueError(
          'DFU_PROTOCOL',
          `The device went to ${dfuStateName(status.state)} instead of ${wanted.map(dfuStateName).join(' or ')}: it dropped the request.`,
          'The app retries this by itself; if it keeps failing, unplug and replug the device and try again.',
        );
      }
      // Declared waits (tests use a fake sleep) and real elapsed time both count towards the limit.
      if (polls >= MAX_POLLS || Math.max(waited, Date.now() - started) > MAX_POLL_WAIT_MS) {
        throw new RescueError(
          'TIMEOUT',
          `The device stayed in ${dfuStateName(status.state)} for too long.`,
          'Unplug and replug the device (it restarts in DFU mode if its firmware is incomplete), then repeat the step.',
        );
      }
      const pause = Math.min(status.pollTimeoutMs, MAX_POLL_SLEEP_MS);
      await this.sleep(pause, signal);
      throwIfAborted(signal);
      waited += pause;
      status = await this.protocol.getStatus(signal);
    }
    if (status.status !== 0 || status.state === DfuState.dfuERROR) throw await this.statusError(status);
    return status;
  }

  /** Clears the error first, so the device is idle again when the caller sees the error. */
  private async statusError(status: DfuStatus): Promise<RescueError> {
    await this.protocol.clearStatus().catch(() => undefined);
    return new RescueError(
      'DFU_STATUS_ERROR',
      `The device reported ${dfuStatusName(status.status)}: ${dfuStatusHint(status.status)}.`,
      'The app cleared the error and the device is back in DFU idle; repeat the step. If it fails again, unplug and replug the device.',
      { dfuStatus: dfuStatusName(status.status), dfuState: dfuStateName(status.state) },
    );
  }

  /** Known idle state: clear an error, abort a half-done transfer, and (Gen 2) clear twice if needed. */
  private async goIdle(accepted: readonly number[], signal?: AbortSignal): Promise<void> {
    let status: DfuStatus;
    try {
      status = await this.protocol.getStatus(signal);
    } catch (error) {
      if (!isTransient(error)) throw error;
      await this.protocol.clearStatus(signal).catch(() => undefined);
      status = await this.protocol.getStatus(signal);
    }
    for (let step = 0; step < 3 && !accepted.includes(status.state); step++) {
      if (status.state === DfuState.dfuERROR || step === 2) await this.protocol.clearStatus(signal);
      else await this.protocol.abort(signal);
      status = await this.protocol.getStatus(signal);
    }
    if (!accepted.includes(status.state)) {
      throw new RescueError(
        'DFU_PROTOCOL',
        `The device would not return to DFU idle (it is in ${dfuStateName(status.state)}, status ${dfuStatusName(status.status)}).`,
        'Unplug and replug the device; it restarts in DFU mode if its firmware is incomplete, otherwise enter DFU mode again.',
      );
    }
  }

  private async abortToIdle(signal?: AbortSignal): Promise<void> {
    await this.protocol.abort(signal);
    let status = await this.protocol.getStatus(signal);
    if (status.state === DfuState.dfuERROR) {
      await this.protocol.clearStatus(signal);
      status = await this.protocol.getStatus(signal);
    }
    if (status.state !== DfuState.dfuIDLE) {
      throw new RescueError('DFU_PROTOCOL', `ABORT left the device in ${dfuStateName(status.state)} instead of dfuIDLE.`, 'Unplug and replug the device, then try again.');
    }
  }

  /**
   * Retries a step after a stall or a failed GETSTATUS, getting back to idle in between. Gen 2 reports
   * real flash errors by stalling too, so a stall is first checked against GETSTATUS: a dfuERROR with
   * a real status is a DFU_STATUS_ERROR, not something to retry.
   */
  private async attempt<T>(ctx: StepContext, signal: AbortSignal | undefined, step: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await step();
      } catch (error) {
        if (!isTransient(error)) throw error;
        if (RescueError.is(error, 'DFU_STALL')) await this.throwIfDeviceError(signal);
        if (tries >= this.retry.attempts) throw error;
        this.log('warn', `${ctx.phase} at ${hex(ctx.address + ctx.bytesDone)} failed (${describeError(error)}), retry ${tries} of ${this.retry.attempts - 1}`);
        await this.sleep(this.retry.delayMs * tries, signal);
        throwIfAborted(signal);
        await this.goIdle(IDLE_OR_DNLOAD, signal).catch((e: unknown) => {
          if (!isTransient(e)) throw e;
        });
      }
    }
  }

  private async throwIfDeviceError(signal?: AbortSignal): Promise<void> {
    const status = await this.protocol.getStatus(signal).catch((e: unknown) => {
      if (isTransient(e)) return null;
      throw e;
    });
    if (status && status.state === DfuState.dfuERROR && status.status !== 0 && dfuStatusName(status.status) !== 'errSTALLEDPKT') {
      throw await this.statusError(status);
    }
  }

  /** Every public step ends with the device idle (best effort) and errors worded for the user. */
  private async guard(ctx: StepContext, signal: AbortSignal | undefined, run: () => Promise<void>): Promise<void> {
    try {
      throwIfAborted(signal);
      await run();
    } catch (error) {
      const explained = this.explain(error, ctx);
      if (explained.code === 'DEVICE_GONE') {
        this.state = 'closed';
      } else {
        await this.goIdle(IDLE_OR_DNLOAD).catch(() => undefined);
      }
      this.log('error', `${ctx.phase} failed: ${explained.code} ${explained.message}`);
      throw explained;
    }
  }

  private explain(error: unknown, ctx: StepContext): RescueError {
    if (!(error instanceof RescueError)) {
      if (classifyTransferError(error) === 'gone') return this.goneError(ctx);
      return new RescueError('DFU_PROTOCOL', `DFU ${ctx.phase} failed: ${describeError(error)}.`, 'Unplug and replug the device, then try again.');
    }
    if (error.code === 'DEVICE_GONE') return this.goneError(ctx);
    if (error.code === 'DFU_STALL') {
      return new RescueError(
        'DFU_STALL',
        `The device kept refusing the ${ctx.phase} at ${hex(ctx.address + ctx.bytesDone)} after ${this.retry.attempts} tries.`,
        'The device was put back into DFU idle. Unplug and replug it, then repeat the step.',
        { ...error.details, phase: ctx.phase },
      );
    }
    return error;
  }

  private goneError(ctx: StepContext): RescueError {
    const details = { phase: ctx.phase, alt: ctx.alt, address: ctx.address, bytesDone: ctx.bytesDone, length: ctx.length };
    if (ctx.phase === 'erase' || ctx.phase === 'download') {
      return new RescueError(
        'DEVICE_GONE',
        `The device disconnected while ${ctx.phase === 'erase' ? 'erasing' : 'writing'} ${hex(ctx.address)}–${hex(ctx.address + ctx.length)} ` +
          `(${ctx.bytesDone} of ${ctx.length} bytes done). That region is now partly ${ctx.phase === 'erase' ? 'erased' : 'written'}; the rest of the device is untouched.`,
        'Plug it back in. If it does not blink yellow by itself (it does when that firmware is now invalid), put it into DFU mode again, then repeat the same write: it starts over with the erase.',
        { ...details, deviceState: 'partially-written' },
      );
    }
    if (ctx.phase === 'leave') {
      return new RescueError('DEVICE_GONE', 'The device disconnected while leaving DFU mode.', 'Wait a few seconds for it to restart; if it does not come back, unplug and replug it.', details);
    }
    return new RescueError(
      'DEVICE_GONE',
      `The device disconnected while reading ${hex(ctx.address)} (alt ${ctx.alt}). Nothing on the device was changed.`,
      'Plug it back in, put it into DFU mode again if it is not blinking yellow, and repeat the read.',
      { ...details, deviceState: 'unchanged' },
    );
  }

  private async useAlt(alt: number, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    if (this.currentAlt === alt) return;
    await this.device.usb.selectAlternateInterface(0, alt);
    this.currentAlt = alt;
  }

  /** Steps on one DFU interface never interleave: the device has a single state machine. */
  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private assertUsable(): void {
    this.assertOpen();
    this.assertNotProtected();
  }

  private assertOpen(): void {
    if (this.state !== 'open') {
      throw new RescueError(
        'DEVICE_GONE',
        this.state === 'left' ? 'This DFU session already left DFU mode.' : 'This DFU session is closed (the device left or was unplugged).',
        'Put the device into DFU mode again; the app opens a new session.',
      );
    }
  }

  private assertNotProtected(): void {
    if (this.protectedFlag) {
      throw new RescueError(
        'DEVICE_PROTECTED',
        'Device Protection is on: the bootloader will not read or write memory over DFU.',
        'Put the device into Service Mode from the Particle Console (or unprotect it in the product settings), then try again.',
      );
    }
  }

  private async release(): Promise<void> {
    await this.device.usb.releaseInterface(0).catch(() => undefined);
    await this.device.usb.close().catch(() => undefined);
  }

  private log(level: 'trace' | 'info' | 'warn' | 'error', message: string, durationMs?: number): void {
    this.deps.opLog?.write('dfu', level, message, { deviceId: this.device.deviceId, durationMs });
  }
}

function isTransient(error: unknown): boolean {
  return RescueError.is(error, 'DFU_STALL') || RescueError.is(error, 'DFU_PROTOCOL');
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
