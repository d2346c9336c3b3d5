import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { looksProtected, parseMemoryLayout, sectorsTouched, segmentAt } from './memory-layout';

const K = 1024;

describe('parseMemoryLayout: every string of dfu-dfuse.md §3.2', () => {
  it('Gen 2 internal flash (Photon, P1, Electron alt 0)', () => {
    const layout = parseMemoryLayout('@Internal Flash   /0x08000000/03*016Ka,01*016Kg,01*064Kg,07*128Kg')!;
    expect(layout.name).toBe('Internal Flash');
    expect(layout.segments.map((s) => [s.start, s.end, s.sectorSize, s.readable, s.erasable, s.writable])).toEqual([
      [0x08000000, 0x0800c000, 16 * K, true, false, false],
      [0x0800c000, 0x08010000, 16 * K, true, true, true],
      [0x08010000, 0x08020000, 64 * K, true, true, true],
      [0x08020000, 0x08100000, 128 * K, true, true, true],
    ]);
  });

  it('Gen 2 DCT (alt 1)', () => {
    const layout = parseMemoryLayout('@DCT Flash   /0x00000000/01*016Kg')!;
    expect(layout.name).toBe('DCT Flash');
    expect(layout.segments).toEqual([{ start: 0, end: 0x4000, sectorSize: 16 * K, readable: true, erasable: true, writable: true }]);
  });

  it('P1 serial flash (alt 2)', () => {
    const layout = parseMemoryLayout('@Serial Flash   /0x00000000/256*004Kg')!;
    expect(layout.segments[0]).toMatchObject({ start: 0, end: 1024 * K, sectorSize: 4 * K });
  });

  it('Gen 3 internal flash', () => {
    const layout = parseMemoryLayout('@Internal Flash   /0x00000000/1*004Ka,47*004Kg,192*004Kg,4*004Kg,4*004Kg,8*004Ka')!;
    expect(layout.segments).toHaveLength(6);
    expect(layout.segments[0]).toMatchObject({ start: 0, end: 0x1000, readable: true, writable: false });
    expect(layout.segments[5]).toMatchObject({ start: 0xf8000, end: 0x100000, readable: true, erasable: false });
  });

  it('Gen 3 DCT (read + write, no erase) and its v2.3.1 DCD spelling', () => {
    for (const text of ['@DCT Flash   /0x00000000/1*016Ke', '@DCD Flash   /0x00000000/1*016Ke']) {
      const layout = parseMemoryLayout(text)!;
      expect(layout.segments[0]).toMatchObject({ end: 0x4000, readable: true, erasable: false, writable: true });
    }
  });

  it('Gen 3 external flash, 4 MB and 8 MB, offset by 0x80000000', () => {
    expect(parseMemoryLayout('@External Flash   /0x80000000/1024*004Kg')!.segments[0]).toMatchObject({ start: 0x80000000, end: 0x80400000 });
    expect(parseMemoryLayout('@External Flash   /0x80000000/2048*004Kg')!.segments[0]).toMatchObject({ start: 0x80000000, end: 0x80800000 });
  });

  it('P2 internal flash and DCT', () => {
    expect(parseMemoryLayout('@Internal Flash   /0x08000000/2048*004Kg')!.segments[0]).toMatchObject({ start: 0x08000000, end: 0x08800000, sectorSize: 4 * K });
    expect(parseMemoryLayout('@DCT Flash   /0x00000000/1*016Ke')!.segments[0].writable).toBe(true);
  });

  it('protected layouts (every letter b) are recognised', () => {
    const layout = parseMemoryLayout('@Internal Flash   /0x00000000/1*004Kb,47*004Kb,192*004Kb,4*004Kb,4*004Kb,8*004Kb')!;
    expect(looksProtected(layout)).toBe(true);
    expect(looksProtected(parseMemoryLayout('@Internal Flash   /0x08000000/2048*004Kg')!)).toBe(false);
  });

  it('several address groups, M and B units', () => {
    const layout = parseMemoryLayout('@Mixed/0x1000/2*1Ma/0x20000000/4*512Bg')!;
    expect(layout.segments).toEqual([
      { start: 0x1000, end: 0x1000 + 2 * 1024 * K, sectorSize: 1024 * K, readable: true, erasable: false, writable: false },
      { start: 0x20000000, end: 0x20000800, sectorSize: 512, readable: true, erasable: true, writable: true },
    ]);
  });

  it('rejects strings that are not layouts', () => {
    for (const bad of ['', 'Internal Flash', '@Name', '@Name/0x0800', '@Name/zz/1*4Kg', '@Name/0x0/1*4Kz', '@Name/0x0/0*4Kg', '@Name/0x0/1*4Kg,']) {
      expect(parseMemoryLayout(bad)).toBeNull();
    }
  });
});

describe('sector arithmetic', () => {
  const photon = parseMemoryLayout('@Internal Flash   /0x08000000/03*016Ka,01*016Kg,01*064Kg,07*128Kg')!;

  it('a 128 KB user part at 0x080A0000 touches exactly one 128 KB sector', () => {
    expect(sectorsTouched(photon, 0x080a0000, 128 * K)).toEqual([0x080a0000]);
  });

  it('a write straddling sectors erases each touched sector once, skipping read-only ones', () => {
    expect(sectorsTouched(photon, 0x0801fff0, 0x20)).toEqual([0x08010000, 0x08020000]);
    expect(sectorsTouched(photon, 0x08000000, 0xc001)).toEqual([0x0800c000]);
  });

  it('segmentAt finds the segment holding an address', () => {
    expect(segmentAt(photon, 0x080a0000)?.sectorSize).toBe(128 * K);
    expect(segmentAt(photon, 0x08100000)).toBeUndefined();
  });
});

describe('parseMemoryLayout property', () => {
  const segmentArb = fc.record({
    count: fc.integer({ min: 1, max: 300 }),
    size: fc.integer({ min: 1, max: 512 }),
    unit: fc.constantFrom('K', 'M', 'B', ''),
    access: fc.integer({ min: 1, max: 7 }),
    pad: fc.integer({ min: 0, max: 2 }),
  });

  it('round-trips generated layouts: contiguous segments, sizes and access bits', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 0, maxLength: 20 }).filter((s) => !s.includes('/')),
        fc.integer({ min: 0, max: 0x7fffffff }),
        fc.array(segmentArb, { minLength: 1, maxLength: 8 }),
        (name, start, segments) => {
          const text =
            `@${name}/0x${start.toString(16)}/` +
            segments
              .map((s) => `${String(s.count).padStart(String(s.count).length + s.pad, '0')}*${s.size}${s.unit}${String.fromCharCode(96 + s.access)}`)
              .join(',');
          const layout = parseMemoryLayout(text);
          expect(layout).not.toBeNull();
          expect(layout!.name).toBe(name.trim());
          let at = start;
          layout!.segments.forEach((seg, i) => {
            const g = segments[i];
            const unit = g.unit === 'K' ? 1024 : g.unit === 'M' ? 1048576 : 1;
            expect(seg.start).toBe(at);
            expect(seg.sectorSize).toBe(g.size * unit);
            expect(seg.end).toBe(at + g.count * g.size * unit);
            expect([seg.readable, seg.erasable, seg.writable]).toEqual([(g.access & 1) > 0, (g.access & 2) > 0, (g.access & 4) > 0]);
            at = seg.end;
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
