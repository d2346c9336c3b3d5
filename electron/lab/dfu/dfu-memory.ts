import type { DfuStatusName } from './dfu-constants';
import { type MemoryLayout, parseMemoryLayout, protectLayoutString, sectorAt, segmentAt, layoutEnd } from '../flash/memory-layout';
import type { NorFlash } from '../flash/nor-flash';
import type { DctStore } from '../dct/dct-store';
import { LAB_DCT_WINDOW as DCT_WINDOW_SIZE } from '../dct/dct-table';
import { SeededRandom } from '../util/prng';

export type DfuResult = { ok: true } | { ok: false; status: DfuStatusName };
const OK: DfuResult = { ok: true };
const fail = (status: DfuStatusName): DfuResult => ({ ok: false, status });

/** One DFU alternate setting as the bootloader implements it (dfu-dfuse.md §3, §6). */
export interface DfuMemory {
  /** The iInterface string the host reads. */
  readonly layoutString: string;
  readonly kind: 'internal' | 'dct' | 'external';
  /** Size of the sector an erase at `address` clears (for timing); undefined outside the map. */
  sectorSize(address: number): number | undefined;
  inRange(address: number): boolean;
  read(address: number, length: number): { ok: true; data: Uint8Array } | { ok: false; status: DfuStatusName };
  erase(address: number): DfuResult;
  write(address: number, data: Uint8Array): DfuResult;
}

/** Internal or external NOR flash behind a layout string; a protected area the bootloader refuses. */
export class FlashMemory implements DfuMemory {
  readonly layoutString: string;
  private readonly access: MemoryLayout;

  constructor(
    readonly kind: 'internal' | 'external',
    private readonly flash: NorFlash,
    compiledLayout: string,
    private readonly protectedArea: { start: number; end: number } | null,
    deviceProtected: boolean,
  ) {
    this.layoutString = deviceProtected ? protectLayoutString(compiledLayout) : compiledLayout;
    this.access = parseMemoryLayout(this.layoutString);
  }

  sectorSize(address: number): number | undefined {
    return sectorAt(this.access, address)?.size;
  }

  inRange(address: number): boolean {
    return segmentAt(this.access, address) !== undefined;
  }

  private isProtected(start: number, end: number): boolean {
    return this.protectedArea !== null && start < this.protectedArea.end && end > this.protectedArea.start;
  }

  read(address: number, length: number) {
    const segment = segmentAt(this.access, address);
    if (!segment) return { ok: false as const, status: 'errADDRESS' as const };
    if (!segment.readable) return { ok: false as const, status: 'errTARGET' as const };
    const n = Math.max(0, Math.min(length, layoutEnd(this.access) - address));
    return { ok: true as const, data: this.flash.read(address, n) };
  }

  erase(address: number): DfuResult {
    const segment = segmentAt(this.access, address);
    if (!segment) return fail('errADDRESS');
    const sector = sectorAt(this.access, address)!;
    if (!segment.erasable || this.isProtected(sector.start, sector.start + sector.size)) return fail('errERASE');
    this.flash.eraseSector(address);
    return OK;
  }

  write(address: number, data: Uint8Array): DfuResult {
    const first = segmentAt(this.access, address);
    const last = segmentAt(this.access, address + data.length - 1);
    if (!first || !last) return fail('errADDRESS');
    if (!first.writable || !last.writable || this.isProtected(address, address + data.length)) return fail('errWRITE');
    const result = this.flash.program(address, data);
    if (result === 'out-of-range') return fail('errADDRESS');
    return result === 'ok' ? OK : fail('errVERIFY');
  }
}

/**
 * DFU alt 1: offsets into `application_dct_t`. On Photon/P1 the bootloader borrows the DCT functions
 * of system-part 2: while that part is not usable, reads return garbage and writes fail.
 */
export class DctMemory implements DfuMemory {
  readonly kind = 'dct' as const;
  readonly layoutString: string;
  private readonly access: MemoryLayout;

  constructor(
    private readonly store: DctStore,
    compiledLayout: string,
    deviceProtected: boolean,
    private readonly reachable: () => boolean,
    private readonly garbageSeed: number,
  ) {
    this.layoutString = deviceProtected ? protectLayoutString(compiledLayout) : compiledLayout;
    this.access = parseMemoryLayout(this.layoutString);
  }

  sectorSize(): number {
    return DCT_WINDOW_SIZE;
  }

  inRange(address: number): boolean {
    return address >= 0 && address < DCT_WINDOW_SIZE;
  }

  read(address: number, length: number) {
    const segment = segmentAt(this.access, address);
    if (!segment) return { ok: false as const, status: 'errADDRESS' as const };
    if (!segment.readable) return { ok: false as const, status: 'errTARGET' as const };
    const n = Math.max(0, Math.min(length, DCT_WINDOW_SIZE - address));
    if (!this.reachable()) return { ok: true as const, data: new SeededRandom(this.garbageSeed + address).bytes(n) };
    return { ok: true as const, data: this.store.read(address, n) };
  }

  /** Gen 2 ('g'): a no-op that answers OK; Gen 3/4 ('e'): not erasable. */
  erase(address: number): DfuResult {
    const segment = segmentAt(this.access, address);
    if (!segment) return fail('errADDRESS');
    return segment.erasable ? OK : fail('errERASE');
  }

  write(address: number, data: Uint8Array): DfuResult {
    const segment = segmentAt(this.access, address);
    if (!segment || address + data.length > DCT_WINDOW_SIZE) return fail('errADDRESS');
    if (!segment.writable) return fail('errWRITE');
    if (!this.reachable()) return fail('errWRITE');
    return this.store.write(address, data) ? OK : fail('errWRITE');
  }
}
