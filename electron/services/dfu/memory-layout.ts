/** One run of equal sectors from a DfuSe memory-layout string (dfu-dfuse.md §3). */
export interface MemorySegment {
  start: number;
  /** Exclusive. */
  end: number;
  sectorSize: number;
  readable: boolean;
  erasable: boolean;
  writable: boolean;
}

export interface MemoryLayout {
  name: string;
  segments: MemorySegment[];
}

const UNITS: Record<string, number> = { K: 1024, M: 1024 * 1024, B: 1, ' ': 1, '': 1 };
const SEGMENT = /^(\d+)\*(\d+)([KMB ]?)([a-g])$/;

/** Parses `@Name /0xADDR/N*SIZEua[,...][/0xADDR/...]`; null when the string is not a DfuSe layout. */
export function parseMemoryLayout(text: string): MemoryLayout | null {
  const trimmed = text.replace(/\0+$/, '');
  if (!trimmed.startsWith('@')) return null;
  const parts = trimmed.slice(1).split('/');
  if (parts.length < 3 || parts.length % 2 === 0) return null;
  const name = parts[0].trim();
  const segments: MemorySegment[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const address = /^\s*0x([0-9a-fA-F]{1,8})\s*$/.exec(parts[i]);
    if (!address) return null;
    let start = parseInt(address[1], 16);
    for (const raw of parts[i + 1].split(',')) {
      const m = SEGMENT.exec(raw.trim());
      if (!m) return null;
      const count = parseInt(m[1], 10);
      const sectorSize = parseInt(m[2], 10) * UNITS[m[3]];
      if (count === 0 || sectorSize === 0) return null;
      const access = m[4].charCodeAt(0) - 'a'.charCodeAt(0) + 1;
      const end = start + count * sectorSize;
      segments.push({ start, end, sectorSize, readable: (access & 1) !== 0, erasable: (access & 2) !== 0, writable: (access & 4) !== 0 });
      start = end;
    }
  }
  return { name, segments };
}

export function segmentAt(layout: MemoryLayout, address: number): MemorySegment | undefined {
  return layout.segments.find((s) => address >= s.start && address < s.end);
}

/** Start addresses of every erasable sector that [address, address+length) touches. */
export function sectorsTouched(layout: MemoryLayout, address: number, length: number): number[] {
  const last = address + length - 1;
  const sectors: number[] = [];
  for (const segment of layout.segments) {
    if (!segment.erasable || segment.end <= address || segment.start > last) continue;
    const from = Math.max(address, segment.start);
    const to = Math.min(last, segment.end - 1);
    const first = segment.start + Math.floor((from - segment.start) / segment.sectorSize) * segment.sectorSize;
    for (let sector = first; sector <= to; sector += segment.sectorSize) sectors.push(sector);
  }
  return sectors;
}

/** Device Protection on firmware without the 0xFA string: every internal-flash segment is erase-only. */
export function looksProtected(layout: MemoryLayout): boolean {
  return layout.segments.length > 0 && layout.segments.every((s) => s.erasable && !s.readable && !s.writable);
}
