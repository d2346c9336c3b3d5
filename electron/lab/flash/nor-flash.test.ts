import { describe, expect, it } from 'vitest';
import { parseMemoryLayout, protectLayoutString, sectorAt } from './memory-layout';
import { NorFlash } from './nor-flash';

const PHOTON = '@Internal Flash   /0x08000000/03*016Ka,01*016Kg,01*064Kg,07*128Kg';

describe('DfuSe layout strings', () => {
  it('parses name, segments, sector sizes and access letters', () => {
    const layout = parseMemoryLayout(PHOTON);
    expect(layout.name).toBe('Internal Flash');
    expect(layout.segments.map((s) => [s.start, s.sectorCount, s.sectorSize, s.readable, s.erasable, s.writable])).toEqual([
      [0x08000000, 3, 16384, true, false, false],
      [0x0800c000, 1, 16384, true, true, true],
      [0x08010000, 1, 65536, true, true, true],
      [0x08020000, 7, 131072, true, true, true],
    ]);
    expect(sectorAt(layout, 0x080a1234)).toEqual({ start: 0x080a0000, size: 131072 });
  });

  it('Device Protection replaces every access letter with b', () => {
    expect(protectLayoutString(PHOTON)).toBe('@Internal Flash   /0x08000000/03*016Kb,01*016Kb,01*064Kb,07*128Kb');
    expect(parseMemoryLayout(protectLayoutString(PHOTON)).segments.every((s) => !s.readable && s.erasable && !s.writable)).toBe(true);
  });
});

describe('NOR flash', () => {
  const flash = () => new NorFlash(parseMemoryLayout(PHOTON));

  it('reads 0xFF when erased', () => {
    expect(flash().read(0x08020000, 16).every((b) => b === 0xff)).toBe(true);
  });

  it('programming only clears bits: old AND new, and a verify failure when 1s were needed', () => {
    const f = flash();
    expect(f.program(0x08020000, Uint8Array.of(0xf0, 0x0f))).toBe('ok');
    expect(f.program(0x08020000, Uint8Array.of(0x3c, 0x0f))).toBe('verify-failed');
    expect(Array.from(f.read(0x08020000, 2))).toEqual([0x30, 0x0f]);
    expect(f.program(0x08020000, Uint8Array.of(0x10))).toBe('ok');
  });

  it('erases exactly the sector holding the address (16 KB vs 128 KB)', () => {
    const f = flash();
    f.program(0x0800c000, new Uint8Array(4));
    f.program(0x08010000, new Uint8Array(4));
    f.program(0x08020000 + 0x1fffc, new Uint8Array(4));
    f.program(0x08040000, new Uint8Array(4));
    expect(f.eraseSector(0x08020000 + 5)).toEqual({ start: 0x08020000, size: 0x20000 });
    expect(f.read(0x08020000 + 0x1fffc, 4).every((b) => b === 0xff)).toBe(true);
    expect(f.read(0x08040000, 4).every((b) => b === 0)).toBe(true);
    f.eraseSector(0x0800c000);
    expect(f.read(0x0800c000, 4).every((b) => b === 0xff)).toBe(true);
    expect(f.read(0x08010000, 4).every((b) => b === 0)).toBe(true);
  });

  it('refuses writes outside the map and spans sector boundaries inside it', () => {
    const f = flash();
    expect(f.program(0x08100000 - 2, new Uint8Array(4))).toBe('out-of-range');
    expect(f.program(0x0801fffe, Uint8Array.of(1, 2, 3, 4))).toBe('ok');
    expect(Array.from(f.read(0x0801fffe, 4))).toEqual([1, 2, 3, 4]);
  });
});
