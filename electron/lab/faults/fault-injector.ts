import type { FaultPlan, FaultSpec, FiredFault } from './fault-plan';
import type { DfuStatusName } from '../dfu/dfu-constants';
import { SeededRandom } from '../util/prng';

type TransferFault = Extract<FaultSpec, { kind: 'disconnect' | 'stall' | 'dfu-status' | 'brownout' }>;

export type TransferAction =
  | { kind: 'proceed' }
  | { kind: 'stall' }
  | { kind: 'disconnect' }
  | { kind: 'dfu-status'; status: Exclude<DfuStatusName, 'OK'> }
  | { kind: 'brownout'; slot: 'privateKey' | 'serverKey'; random: SeededRandom };

/**
 * Applies a FaultPlan reproducibly: `between` ranges are resolved once from the seed, the jitter and
 * brown-out damage come from the same seeded stream. `transferCount` counts every control transfer.
 */
export class FaultInjector {
  transferCount = 0;
  enumerationCount = 0;
  readonly fired: FiredFault[] = [];
  private readonly random: SeededRandom;
  private readonly scheduled: { at: number; fault: TransferFault }[] = [];
  private readonly vanishAt = new Set<number>();
  private latencyMs = 0;
  /** Strict DFU poll timing is on (fault 'strict-poll'). */
  strictPoll = false;
  private wrongBytes: { alt: number | undefined; remaining: number } | null = null;
  private jitterMs = 0;

  constructor(plan: FaultPlan | undefined, seed: number) {
    this.random = new SeededRandom(plan?.seed ?? seed);
    for (const fault of plan?.faults ?? []) this.add(fault);
  }

  /** Arm one more fault on a live device (tests, the training UI). */
  add(fault: FaultSpec): void {
    if (fault.kind === 'slow') {
      this.latencyMs = fault.latencyMs;
      this.jitterMs = fault.jitterMs ?? 0;
      return;
    }
    if (fault.kind === 'strict-poll') {
      this.strictPoll = true;
      return;
    }
    if (fault.kind === 'wrong-bytes') {
      this.wrongBytes = { alt: fault.alt, remaining: fault.writes ?? Number.POSITIVE_INFINITY };
      return;
    }
    if (fault.kind === 'vanish-on-reenumerate') {
      this.vanishAt.add(this.enumerationCount + fault.nth);
      return;
    }
    const at = fault.at ?? this.random.int(fault.between[0], fault.between[1]);
    this.scheduled.push({ at: this.transferCount + at, fault });
  }

  /** The transfer number a fault will fire at (after `between` was resolved). */
  scheduledAt(): number[] {
    return this.scheduled.map((s) => s.at);
  }

  /** Count the transfer and say what happens to it. */
  nextTransfer(): TransferAction {
    this.transferCount += 1;
    const index = this.scheduled.findIndex((s) => s.at === this.transferCount);
    if (index < 0) return { kind: 'proceed' };
    const { fault } = this.scheduled.splice(index, 1)[0];
    this.fired.push({ kind: fault.kind, transfer: this.transferCount, detail: 'status' in fault ? fault.status : 'slot' in fault ? fault.slot : undefined });
    if (fault.kind === 'dfu-status') return { kind: 'dfu-status', status: fault.status };
    if (fault.kind === 'brownout') return { kind: 'brownout', slot: fault.slot, random: this.random.fork(`brownout-${this.transferCount}`) };
    return { kind: fault.kind };
  }

  /**
   * The bytes the flash really stores for a data block the host sent to `alt`: unchanged, or (while a
   * wrong-bytes fault is armed) with one seeded 1-bit cleared, which NOR flash can always program.
   */
  programmedBytes(alt: number, data: Uint8Array): Uint8Array {
    const fault = this.wrongBytes;
    if (!fault || (fault.alt !== undefined && fault.alt !== alt)) return data;
    const ones = data.reduce<number[]>((acc, byte, i) => (byte !== 0 ? [...acc, i] : acc), []);
    if (ones.length === 0) return data;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.wrongBytes = null;
    const at = ones[this.random.int(0, ones.length - 1)];
    const bits = [0, 1, 2, 3, 4, 5, 6, 7].filter((bit) => data[at] & (1 << bit));
    const out = data.slice();
    out[at] &= ~(1 << bits[this.random.int(0, bits.length - 1)]);
    this.fired.push({ kind: 'wrong-bytes', transfer: this.transferCount, detail: `alt ${alt} byte ${at}` });
    return out;
  }

  latencyForTransfer(): number {
    if (this.latencyMs === 0 && this.jitterMs === 0) return 0;
    return this.latencyMs + (this.jitterMs > 0 ? this.random.int(0, this.jitterMs) : 0);
  }

  /** Count a re-enumeration; true when the device must not come back this time. */
  nextEnumerationVanishes(): boolean {
    this.enumerationCount += 1;
    if (!this.vanishAt.has(this.enumerationCount)) return false;
    this.vanishAt.delete(this.enumerationCount);
    this.fired.push({ kind: 'vanish-on-reenumerate', transfer: this.transferCount });
    return true;
  }
}
