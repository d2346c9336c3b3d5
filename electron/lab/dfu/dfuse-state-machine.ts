import { DFU_REQUEST, DFU_STATE, DFU_STATUS, DFU_TRANSFER_SIZE, DFUSE_COMMAND, type DfuState, type DfuStatusName } from './dfu-constants';
import type { DfuMemory, DfuResult } from './dfu-memory';
import type { LabPlatform } from '../platforms/lab-platforms';
import type { Sleep, TimingProfile } from '../util/timing';

export type DfuOutResult = 'ok' | 'stall';
export type DfuInResult = Uint8Array | 'stall';

export interface DfuseMachineOptions {
  platform: LabPlatform;
  memories: DfuMemory[];
  timing: TimingProfile;
  sleep: Sleep;
  /** Zero-length DNLOAD was acknowledged: the bootloader resets into the firmware. */
  onLeave(): void;
  /** DfuSe 0xFA: reboot into safe mode. */
  onSafeMode(): void;
  /** DFU_DETACH: USB disconnect/connect (bitWillDetach). */
  onDetach(): void;
  /** What the flash really stores for a data block (fault injection: wrong bytes reported as success). */
  programmedBytes?(alt: number, data: Uint8Array): Uint8Array;
  /** Strict timing: stall any request sent before the last busy reply's bwPollTimeout has passed. */
  strictPoll?(): boolean;
}

const clock = (): number => performance.now();

interface PendingBlock {
  block: number;
  data: Uint8Array;
}

/**
 * DFU 1.1 + ST DfuSe device side, as Particle bootloaders implement it (dfu-dfuse.md §1, §4–§6):
 * DNLOAD only stores a block, the erase/program runs after the next GETSTATUS reply (the device then
 * reports dfuDNBUSY and delays the following request until the flash work ends), blocks ≥ 2 are
 * addressed as (wBlockNum − 2) × 4096 + address pointer, and leaving reports bState 5 on Gen 2 and 7
 * on Gen 3/4. Gen 2 reports failures by stalling EP0 (the state still ends in dfuERROR so that
 * GETSTATUS/CLRSTATUS recover); Gen 3/4 report them through GETSTATUS.
 */
export class DfuseStateMachine {
  state: DfuState = DFU_STATE.dfuIDLE;
  status: DfuStatusName = 'OK';
  alt = 0;
  addressPointer = 0;
  private pollTimeoutMs = 0;
  private pending: PendingBlock | null = null;
  private work: Promise<void> | null = null;
  private stallNext = false;
  /** DfuSe 0xFA was carried out: manifestation into safe mode follows. */
  private safeModeRequested = false;
  /** Wall-clock time before which the host was told not to ask again (last busy reply). */
  private notBefore = 0;
  /** When the running flash work ends (Gen 3/4 answer dfuDNBUSY until then). */
  private workEnds = 0;

  constructor(private readonly opts: DfuseMachineOptions) {}

  get memories(): DfuMemory[] {
    return this.opts.memories;
  }

  get memory(): DfuMemory {
    return this.opts.memories[this.alt];
  }

  /** Fault injection: the device reports this status (and stalls on Gen 2) from now on. */
  injectError(status: DfuStatusName): void {
    this.enterError(status);
    if (this.opts.platform.errorsByStall) this.stallNext = true;
  }

  async out(request: number, value: number, data: Uint8Array): Promise<DfuOutResult> {
    await this.usbTime(data.length);
    if (this.tooEarly()) return this.stall();
    if (await this.busyOrStall()) return 'stall';
    switch (request) {
      case DFU_REQUEST.DNLOAD:
        return this.dnload(value, data);
      case DFU_REQUEST.CLRSTATUS:
        return this.clrstatus();
      case DFU_REQUEST.ABORT:
        return this.abort();
      case DFU_REQUEST.DETACH:
        if (!this.isOneOf(DFU_STATE.dfuIDLE, DFU_STATE.dfuDNLOAD_IDLE, DFU_STATE.dfuUPLOAD_IDLE)) return this.stall();
        this.opts.onDetach();
        return 'ok';
      default:
        return this.stall();
    }
  }

  async in(request: number, value: number, length: number): Promise<DfuInResult> {
    await this.usbTime(request === DFU_REQUEST.UPLOAD ? length : 6);
    if (this.tooEarly()) return this.stall();
    if (this.work && request === DFU_REQUEST.GETSTATUS && this.opts.platform.generation !== 2) return this.busyReply();
    if (await this.busyOrStall()) return 'stall';
    switch (request) {
      case DFU_REQUEST.GETSTATUS:
        return this.getStatus();
      case DFU_REQUEST.GETSTATE:
        return Uint8Array.of(this.state);
      case DFU_REQUEST.UPLOAD:
        return this.upload(value, length);
      default:
        return this.stall();
    }
  }

  /** Full-speed USB time of the transfer itself (realistic timing), so read timings are plausible. */
  private async usbTime(bytes: number): Promise<void> {
    const ms = this.opts.timing.usbTransferMs(bytes);
    if (ms > 0) await this.opts.sleep(ms);
  }

  /** Strict option: a request before the reported poll timeout has passed is stalled. */
  private tooEarly(): boolean {
    return this.opts.strictPoll?.() === true && clock() < this.notBefore;
  }

  /** Gen 3/4 answer GETSTATUS while the flash works: dfuDNBUSY again, with the time still needed. */
  private busyReply(): Uint8Array {
    const remaining = Math.max(this.opts.timing.busyPollMs(0), Math.ceil(this.workEnds - clock()));
    this.notBefore = clock() + remaining;
    return Uint8Array.of(DFU_STATUS[this.status], remaining & 0xff, (remaining >> 8) & 0xff, (remaining >> 16) & 0xff, DFU_STATE.dfuDNBUSY, 0);
  }

  /** Requests wait while the flash is busy (the USB interrupt is occupied on a real device). */
  private async busyOrStall(): Promise<boolean> {
    if (this.work) await this.work;
    if (this.stallNext) {
      this.stallNext = false;
      return true;
    }
    return this.state === DFU_STATE.dfuMANIFEST_WAIT_RESET;
  }

  private isOneOf(...states: DfuState[]): boolean {
    return states.includes(this.state);
  }

  private enterError(status: DfuStatusName): void {
    this.state = DFU_STATE.dfuERROR;
    this.status = status;
    this.pending = null;
  }

  /** An unexpected request: stall, and (DFU 1.1) dfuERROR/errSTALLEDPKT unless already in error. */
  private stall(status: DfuStatusName = 'errSTALLEDPKT'): 'stall' {
    if (this.state !== DFU_STATE.dfuERROR) this.enterError(status);
    return 'stall';
  }

  /** Gen 2 refuses a DNLOAD/UPLOAD in the wrong state by stalling EP0 only: the state stays. */
  private wrongState(): 'stall' {
    return this.opts.platform.generation === 2 ? 'stall' : this.stall();
  }

  private dnload(block: number, data: Uint8Array): DfuOutResult {
    if (!this.isOneOf(DFU_STATE.dfuIDLE, DFU_STATE.dfuDNLOAD_IDLE)) return this.wrongState();
    if (data.length === 0) {
      this.state = DFU_STATE.dfuMANIFEST_SYNC;
      return 'ok';
    }
    if (data.length > DFU_TRANSFER_SIZE) return this.stall();
    if (block === 0 && this.opts.platform.massEraseResult === 'stall' && !this.gen2Command(data)) return this.stall('errTARGET');
    this.pending = { block, data: data.slice() };
    this.state = DFU_STATE.dfuDNLOAD_SYNC;
    return 'ok';
  }

  /** Commands the Gen 2 bootloader accepts at all; anything else (mass erase, 0x92…) is stalled. */
  private gen2Command(data: Uint8Array): boolean {
    return data.length === 5 && (data[0] === DFUSE_COMMAND.SET_ADDRESS || data[0] === DFUSE_COMMAND.ERASE);
  }

  private getStatus(): Uint8Array {
    const reply = (state: DfuState) => {
      const status = DFU_STATUS[this.status];
      const poll = this.pollTimeoutMs;
      return Uint8Array.of(status, poll & 0xff, (poll >> 8) & 0xff, (poll >> 16) & 0xff, state, 0);
    };
    if (this.state === DFU_STATE.dfuDNLOAD_SYNC && this.pending) {
      const pending = this.pending;
      this.pending = null;
      const { durationMs, pollMs } = this.estimate(pending);
      this.pollTimeoutMs = pollMs;
      this.state = DFU_STATE.dfuDNBUSY;
      const answer = reply(DFU_STATE.dfuDNBUSY);
      this.notBefore = clock() + pollMs;
      this.workEnds = clock() + durationMs;
      this.work = this.runWork(pending, durationMs);
      return answer;
    }
    if (this.state === DFU_STATE.dfuMANIFEST_SYNC && this.safeModeRequested) {
      this.safeModeRequested = false;
      const answer = reply(DFU_STATE.dfuMANIFEST_SYNC);
      this.state = DFU_STATE.dfuMANIFEST_WAIT_RESET;
      void this.opts.sleep(this.opts.timing.manifestResetMs).then(() => this.opts.onSafeMode());
      return answer;
    }
    if (this.state === DFU_STATE.dfuMANIFEST_SYNC) {
      this.state = DFU_STATE.dfuMANIFEST;
      const answer = reply(this.opts.platform.leaveReportedState);
      this.state = DFU_STATE.dfuMANIFEST_WAIT_RESET;
      void this.opts.sleep(this.opts.timing.manifestResetMs).then(() => this.opts.onLeave());
      return answer;
    }
    return reply(this.state);
  }

  private async runWork(pending: PendingBlock, durationMs: number): Promise<void> {
    await this.opts.sleep(durationMs);
    const result = this.execute(pending);
    this.work = null;
    this.pollTimeoutMs = 0;
    // An error injected while the flash was busy wins over the work's own outcome.
    if (this.state === DFU_STATE.dfuERROR) return;
    if (result.ok) {
      this.state = this.safeModeRequested ? DFU_STATE.dfuMANIFEST_SYNC : DFU_STATE.dfuDNLOAD_IDLE;
      this.status = 'OK';
    } else this.injectError(result.status);
  }

  private execute({ block, data }: PendingBlock): DfuResult {
    if (block === 1) return { ok: true };
    if (block >= 2) {
      const stored = this.opts.programmedBytes ? this.opts.programmedBytes(this.alt, data) : data;
      return this.memory.write((block - 2) * DFU_TRANSFER_SIZE + this.addressPointer, stored);
    }
    const address = data.length === 5 ? new DataView(data.buffer, data.byteOffset + 1, 4).getUint32(0, true) : null;
    if (data[0] === DFUSE_COMMAND.SET_ADDRESS && address !== null) {
      if (!this.memory.inRange(address)) return { ok: false, status: 'errADDRESS' };
      this.addressPointer = address;
      return { ok: true };
    }
    if (data[0] === DFUSE_COMMAND.ERASE && address !== null) return this.memory.erase(address);
    if (this.opts.platform.supportsProtection && data.length === 1 && data[0] === DFUSE_COMMAND.ENTER_SAFE_MODE) {
      // The bootloader goes into manifestation: the next GETSTATUS reports dfuMANIFEST-SYNC, then it resets.
      this.safeModeRequested = true;
      return { ok: true };
    }
    // 0xFB: the Gen 3/4 bootloader takes it with or without a 4-byte argument (1 or 5 bytes).
    if (this.opts.platform.supportsProtection && (data.length === 1 || data.length === 5) && data[0] === DFUSE_COMMAND.CLEAR_SECURITY_OVERRIDE) return { ok: true };
    return { ok: false, status: 'errTARGET' };
  }

  /** How long the work takes and what bwPollTimeout the bootloader reports (§6 for Gen 2 values). */
  private estimate({ block, data }: PendingBlock): { durationMs: number; pollMs: number } {
    const { timing, platform } = this.opts;
    const isErase = block === 0 && data[0] === DFUSE_COMMAND.ERASE && data.length === 5;
    const eraseAt = isErase ? new DataView(data.buffer, data.byteOffset + 1, 4).getUint32(0, true) : 0;
    const durationMs = isErase
      ? this.memory.kind === 'dct'
        ? 0
        : timing.eraseMs(this.memory.sectorSize(eraseAt) ?? 0)
      : block >= 2
        ? timing.programMs(data.length)
        : 0;
    if (timing.name === 'fast') return { durationMs, pollMs: timing.busyPollMs(durationMs) };
    if (platform.generation === 2) {
      // Internal flash reports 0 ms; the DCT alt applies its two constants swapped (write 1 ms, erase 500 ms).
      if (this.memory.kind !== 'dct') return { durationMs, pollMs: 0 };
      return { durationMs, pollMs: isErase ? 500 : block >= 2 ? 1 : 0 };
    }
    return { durationMs, pollMs: durationMs };
  }

  private upload(block: number, length: number): DfuInResult {
    if (!this.isOneOf(DFU_STATE.dfuIDLE, DFU_STATE.dfuUPLOAD_IDLE)) return this.wrongState();
    if (length > DFU_TRANSFER_SIZE) return this.stall();
    if (block === 0) {
      const commands = this.opts.platform.supportsProtection
        ? [DFUSE_COMMAND.GET_COMMANDS, DFUSE_COMMAND.SET_ADDRESS, DFUSE_COMMAND.ERASE, DFUSE_COMMAND.ENTER_SAFE_MODE, DFUSE_COMMAND.CLEAR_SECURITY_OVERRIDE]
        : [DFUSE_COMMAND.GET_COMMANDS, DFUSE_COMMAND.SET_ADDRESS, DFUSE_COMMAND.ERASE];
      if (this.opts.platform.generation !== 2) {
        // Gen 3/4: the whole list every time (the host's wLength cuts it on the bus), back to dfuIDLE.
        this.state = DFU_STATE.dfuIDLE;
        return Uint8Array.from(commands);
      }
      this.state = length > commands.length ? DFU_STATE.dfuIDLE : DFU_STATE.dfuUPLOAD_IDLE;
      return Uint8Array.from(commands.slice(0, length));
    }
    if (block === 1) return this.stall();
    const result = this.memory.read((block - 2) * DFU_TRANSFER_SIZE + this.addressPointer, length);
    if (!result.ok) {
      this.injectError(result.status);
      this.stallNext = false;
      return 'stall';
    }
    this.state = result.data.length < length ? DFU_STATE.dfuIDLE : DFU_STATE.dfuUPLOAD_IDLE;
    return result.data;
  }

  private clrstatus(): DfuOutResult {
    if (this.state === DFU_STATE.dfuERROR) {
      this.state = DFU_STATE.dfuIDLE;
      this.status = 'OK';
      return 'ok';
    }
    if (this.opts.platform.generation === 2) {
      // Gen 2 quirk: CLRSTATUS outside dfuERROR forces dfuERROR/errUNKNOWN; a second one gives dfuIDLE.
      this.enterError('errUNKNOWN');
      return 'ok';
    }
    return this.stall();
  }

  private abort(): DfuOutResult {
    // Gen 2 (usbd_dfu_core.c DFU_Req_ABORT) has no else branch: ABORT in dfuERROR is accepted and ignored.
    if (this.state === DFU_STATE.dfuERROR && this.opts.platform.generation === 2) return 'ok';
    if (!this.isOneOf(DFU_STATE.dfuIDLE, DFU_STATE.dfuDNLOAD_SYNC, DFU_STATE.dfuDNLOAD_IDLE, DFU_STATE.dfuMANIFEST_SYNC, DFU_STATE.dfuUPLOAD_IDLE)) {
      return this.stall();
    }
    this.pending = null;
    this.state = DFU_STATE.dfuIDLE;
    return 'ok';
  }
}
