import type { DfuStatusName } from '../dfu/dfu-constants';

/**
 * Faults to inject, as data. A transfer-triggered fault fires at the `at`-th control transfer counted
 * from when the fault is armed (for a plan given at attach: from the device's first transfer) or, with `between`, at a transfer the seeded PRNG picks
 * in that inclusive range: the same seed always picks the same transfer.
 */
export type TransferTrigger = { at: number; between?: undefined } | { between: [number, number]; at?: undefined };

export type FaultSpec =
  | ({ kind: 'disconnect' } & TransferTrigger)
  | ({ kind: 'stall' } & TransferTrigger)
  | ({ kind: 'dfu-status'; status: Exclude<DfuStatusName, 'OK'> } & TransferTrigger)
  /** Power dips while the DCT is written: a key slot is left half-written, the device reboots. */
  | ({ kind: 'brownout'; slot: 'privateKey' | 'serverKey' } & TransferTrigger)
  /** The device does not come back after its `nth` re-enumeration (1 = the next one). */
  | { kind: 'vanish-on-reenumerate'; nth: number }
  /**
   * The flash programs wrong bytes while the bootloader reports success: each of the next `writes`
   * data blocks (all of them when omitted) on DFU alt `alt` (any alt when omitted) is stored with one
   * seeded bit cleared. Only a read-back can tell.
   */
  | { kind: 'wrong-bytes'; alt?: number; writes?: number }
  /**
   * Strict DFU timing: any DFU request that arrives before the bwPollTimeout of the last busy reply
   * has passed (wall clock) is stalled, leaving dfuERROR / errSTALLEDPKT as DFU 1.1 says.
   */
  | { kind: 'strict-poll' }
  /** Every transfer takes latencyMs plus up to jitterMs (seeded). */
  | { kind: 'slow'; latencyMs: number; jitterMs?: number };

export interface FaultPlan {
  /** Overrides the lab seed for this device's faults. */
  seed?: number;
  faults: FaultSpec[];
}

export type TransferFaultKind = 'disconnect' | 'stall' | 'dfu-status' | 'brownout';

export interface FiredFault {
  kind: FaultSpec['kind'];
  transfer: number;
  detail?: string;
}
