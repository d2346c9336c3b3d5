import { type MemoryLayout, layoutEnd, sectorAt } from './memory-layout';

export type ProgramResult = 'ok' | 'out-of-range' | 'verify-failed';

/**
 * NOR flash as the MCU sees it: erased bytes read 0xFF, programming can only clear bits (the stored
 * value becomes old AND new), and only a sector erase brings bits back to 1. Access rights are not
 * checked here: the bootloader/DFU layer decides what a host may touch, the firmware writes anywhere.
 * Sectors are allocated on first write so an 8 MB P2 costs nothing until used.
 */
export class NorFlash {
  private readonly sectors = new Map<number, Uint8Array>();
  readonly start: number;
  readonly end: number;

  constructor(readonly layout: MemoryLayout) {
    this.start = layout.segments[0].start;
    this.end = layoutEnd(layout);
  }

  contains(address: number, length = 1): boolean {
    return address >= this.start && address + length <= this.end;
  }

  read(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length).fill(0xff);
    let done = 0;
    while (done < length) {
      const at = address + done;
      const sector = sectorAt(this.layout, at);
      if (!sector) {
        done += 1;
        continue;
      }
      const n = Math.min(length - done, sector.start + sector.size - at);
      const data = this.sectors.get(sector.start);
      if (data) out.set(data.subarray(at - sector.start, at - sector.start + n), done);
      done += n;
    }
    return out;
  }

  /** Erase the sector holding `address`; returns its bounds, or undefined outside the map. */
  eraseSector(address: number): { start: number; size: number } | undefined {
    const sector = sectorAt(this.layout, address);
    if (sector) this.sectors.delete(sector.start);
    return sector;
  }

  /**
   * Program bytes. Bits already 0 stay 0, so writing over non-erased data leaves old AND new and the
   * read-back verification the bootloaders do fails.
   */
  program(address: number, data: Uint8Array): ProgramResult {
    if (!this.contains(address, data.length)) return 'out-of-range';
    let verified = true;
    let done = 0;
    while (done < data.length) {
      const at = address + done;
      const sector = sectorAt(this.layout, at)!;
      let bytes = this.sectors.get(sector.start);
      if (!bytes) {
        bytes = new Uint8Array(sector.size).fill(0xff);
        this.sectors.set(sector.start, bytes);
      }
      const n = Math.min(data.length - done, sector.start + sector.size - at);
      for (let i = 0; i < n; i++) {
        const offset = at - sector.start + i;
        bytes[offset] &= data[done + i];
        if (bytes[offset] !== data[done + i]) verified = false;
      }
      done += n;
    }
    return verified ? 'ok' : 'verify-failed';
  }

  /** Firmware-side helper (DCT layer, scenario setup): erase the sectors covering the range, then program. */
  eraseAndProgram(address: number, data: Uint8Array): ProgramResult {
    for (let at = address; at < address + data.length; ) {
      const sector = this.eraseSector(at);
      if (!sector) return 'out-of-range';
      at = sector.start + sector.size;
    }
    return this.program(address, data);
  }

  /** Flip bits without the NOR rules: models corruption (brown-out, worn cells) in scenarios and faults. */
  corrupt(address: number, data: Uint8Array): void {
    for (let at = address; at < address + data.length; ) {
      const sector = sectorAt(this.layout, at);
      if (!sector) break;
      const keep = this.read(sector.start, sector.size);
      for (let i = Math.max(at, address); i < Math.min(sector.start + sector.size, address + data.length); i++) {
        keep[i - sector.start] = data[i - address];
      }
      this.eraseSector(sector.start);
      this.program(sector.start, keep);
      at = sector.start + sector.size;
    }
  }

  /** Programmed sectors by start address (erased sectors are absent): what a saved lab keeps. */
  snapshot(): Record<number, Uint8Array> {
    const out: Record<number, Uint8Array> = {};
    for (const [start, bytes] of this.sectors) out[start] = bytes.slice();
    return out;
  }

  /** Replaces the whole chip with a snapshot; sectors that are not in this layout are refused. */
  restore(sectors: Record<number, Uint8Array>): void {
    const restored = new Map<number, Uint8Array>();
    for (const [key, bytes] of Object.entries(sectors)) {
      const start = Number(key);
      const sector = sectorAt(this.layout, start);
      if (!sector || sector.start !== start || sector.size !== bytes.length) throw new Error(`flash snapshot sector 0x${start.toString(16)} does not match this chip`);
      restored.set(start, bytes.slice());
    }
    this.sectors.clear();
    for (const [start, bytes] of restored) this.sectors.set(start, bytes);
  }
}
