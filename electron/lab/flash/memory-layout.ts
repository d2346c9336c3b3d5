/**
 * DfuSe memory-layout strings ("@Internal Flash   /0x08000000/03*016Ka,01*016Kg"), dfu-dfuse.md §3.1.
 * The lab parses the same strings it reports in its descriptors, so the flash it models and the
 * layout a host reads can never disagree.
 */
export interface LayoutSegment {
  start: number;
  sectorSize: number;
  sectorCount: number;
  readable: boolean;
  erasable: boolean;
  writable: boolean;
}

export interface MemoryLayout {
  name: string;
  segments: LayoutSegment[];
}

const UNIT: Record<string, number> = { K: 1024, M: 1048576, B: 1, ' ': 1 };

export function parseMemoryLayout(text: string): MemoryLayout {
  if (!text.startsWith('@')) throw new Error(`not a DfuSe layout string: ${text}`);
  const parts = text.slice(1).split('/');
  const name = parts[0].trim();
  const segments: LayoutSegment[] = [];
  for (let i = 1; i + 1 < parts.length; i += 2) {
    let address = Number.parseInt(parts[i], 16);
    for (const group of parts[i + 1].split(',')) {
      const m = /^(\d+)\*(\d+)([KMB ])([a-g])$/.exec(group.trim());
      if (!m) throw new Error(`bad layout segment "${group}"`);
      const access = m[4].charCodeAt(0) - 96;
      const segment: LayoutSegment = {
        start: address,
        sectorCount: Number(m[1]),
        sectorSize: Number(m[2]) * UNIT[m[3]],
        readable: (access & 1) !== 0,
        erasable: (access & 2) !== 0,
        writable: (access & 4) !== 0,
      };
      segments.push(segment);
      address += segment.sectorCount * segment.sectorSize;
    }
  }
  return { name, segments };
}

/** Device Protection: every access letter becomes `b` (erasable only), the `*_IF_STRING_PROT` strings. */
export function protectLayoutString(text: string): string {
  return text.replace(/(\d+\*\d+[KMB ])[a-g]/g, '$1b');
}

export function segmentAt(layout: MemoryLayout, address: number): LayoutSegment | undefined {
  return layout.segments.find((s) => address >= s.start && address < s.start + s.sectorCount * s.sectorSize);
}

/** Start address and size of the sector holding `address`. */
export function sectorAt(layout: MemoryLayout, address: number): { start: number; size: number } | undefined {
  const segment = segmentAt(layout, address);
  if (!segment) return undefined;
  const index = Math.floor((address - segment.start) / segment.sectorSize);
  return { start: segment.start + index * segment.sectorSize, size: segment.sectorSize };
}

export function layoutEnd(layout: MemoryLayout): number {
  const last = layout.segments[layout.segments.length - 1];
  return last.start + last.sectorCount * last.sectorSize;
}
