import { RescueError } from '../../../shared/errors';
import { platformById } from '../../../shared/domain/platforms';
import { segmentAt, type MemoryLayout } from './memory-layout';

/** Gen 2 bootloader refuses erase/write here on alt 0 even where the layout says `g` (dfu-dfuse.md §6). */
const GEN2_PROTECTED_START = 0x08000000;
const GEN2_PROTECTED_END = 0x08020000;

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/** Refuses, before any transfer, a write the device would refuse or that leaves its memory map. */
export function assertWritable(platformId: number, alt: number, layout: MemoryLayout, address: number, length: number): void {
  const generation = platformById(platformId)?.generation;
  if (alt === 0 && generation === 2 && address < GEN2_PROTECTED_END && address + length > GEN2_PROTECTED_START) {
    throw new RescueError(
      'REGION_NOT_WRITABLE',
      `${hex(GEN2_PROTECTED_START)}–${hex(GEN2_PROTECTED_END - 1)} (bootloader, DCT sectors, EEPROM) cannot be written over DFU on this device: its bootloader refuses it.`,
      'Bootloader updates go through normal mode (control requests); keys go through the DCT window (alt 1).',
      { alt, address, length },
    );
  }
  assertCovered(alt, layout, address, length, 'writable');
}

export function assertReadable(alt: number, layout: MemoryLayout, address: number, length: number): void {
  assertCovered(alt, layout, address, length, 'readable');
}

function assertCovered(alt: number, layout: MemoryLayout, address: number, length: number, access: 'readable' | 'writable'): void {
  if (length <= 0) throw new RescueError('INVALID_INPUT', 'Nothing to transfer: the length is zero.', 'Give a length of at least one byte.');
  for (let at = address; at < address + length; ) {
    const segment = segmentAt(layout, at);
    if (!segment || !segment[access]) {
      const code = access === 'writable' ? 'REGION_NOT_WRITABLE' : 'REGION_NOT_READABLE';
      throw new RescueError(
        code,
        `${hex(at)} in "${layout.name}" (alt ${alt}) is ${segment ? `not ${access}` : 'outside the memory'} over DFU.`,
        'Check the address and length against the device memory map.',
        { alt, address: at },
      );
    }
    at = segment.end;
  }
}
