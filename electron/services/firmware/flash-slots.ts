import { platformsById } from '@particle/device-constants';
import type { ModuleFunction } from './module-format';

/**
 * Where a platform keeps each module, from the flash maps in firmware-modules.md §5. A slot is the
 * region a module may occupy: it must start inside [startMin, startMax] and end (CRC included) by `end`.
 */
export interface FlashSlot {
  function: ModuleFunction;
  /** null = any index (user parts and bootloaders are placed by address alone). */
  index: number | null;
  startMin: number;
  startMax: number;
  end: number;
  /** Device-constants `maxSize` for the module type, when it has one. */
  maxSize: number | null;
  /**
   * 'dfu': written over DFU alt 0. 'control-request': sent in normal mode (requests 250–253), as particle-cli
   * does for bootloaders. 'unsupported': this app does not write it (radio stack, monolithic images).
   */
  route: 'dfu' | 'control-request' | 'unsupported';
}

type SlotSpec = Omit<FlashSlot, 'maxSize' | 'startMax'> & { startMax?: number };

const GEN2_PHOTON: SlotSpec[] = [
  { function: 'bootloader', index: null, startMin: 0x08000000, end: 0x08004000, route: 'control-request' },
  { function: 'systemPart', index: 1, startMin: 0x08020000, end: 0x08060000, route: 'dfu' },
  { function: 'systemPart', index: 2, startMin: 0x08060000, end: 0x080a0000, route: 'dfu' },
  { function: 'userPart', index: null, startMin: 0x080a0000, end: 0x080c0000, route: 'dfu' },
];

// Electron: the release file "system-part1" holds module index 3, and so on (§5.2); slots go by address.
const ELECTRON: SlotSpec[] = [
  { function: 'bootloader', index: null, startMin: 0x08000000, end: 0x08004000, route: 'control-request' },
  { function: 'systemPart', index: 1, startMin: 0x08020000, end: 0x08040000, route: 'dfu' },
  { function: 'systemPart', index: 2, startMin: 0x08040000, end: 0x08060000, route: 'dfu' },
  { function: 'systemPart', index: 3, startMin: 0x08060000, end: 0x08080000, route: 'dfu' },
  { function: 'userPart', index: null, startMin: 0x08080000, end: 0x080a0000, route: 'dfu' },
];

// Gen 3: system part at 0x30000 (DOS 2.x–5.x) or 0x28000 (later); user part at 0xB4000 (≥ 3.1) or 0xD4000.
const GEN3: SlotSpec[] = [
  { function: 'radioStack', index: null, startMin: 0x00001000, end: 0x00030000, route: 'unsupported' },
  { function: 'systemPart', index: 1, startMin: 0x00028000, end: 0x000b4000, route: 'dfu' },
  { function: 'systemPart', index: 1, startMin: 0x00030000, end: 0x000d4000, route: 'dfu' },
  { function: 'userPart', index: null, startMin: 0x000b4000, end: 0x000f4000, route: 'dfu' },
  { function: 'userPart', index: null, startMin: 0x000d4000, end: 0x000f4000, route: 'dfu' },
  { function: 'bootloader', index: null, startMin: 0x000f4000, end: 0x00100000, route: 'control-request' },
];

// RTL872x: the user part grows down from 0x08600000, so its start moves with its size (at most 1.5 MB).
const RTL872X: SlotSpec[] = [
  { function: 'bootloader', index: null, startMin: 0x08004000, end: 0x08060000, route: 'control-request' },
  { function: 'systemPart', index: 1, startMin: 0x08060000, end: 0x08480000, route: 'dfu' },
  { function: 'userPart', index: null, startMin: 0x08480000, startMax: 0x085fffff, end: 0x08600000, route: 'dfu' },
];

const LAYOUTS: Record<number, SlotSpec[]> = {
  6: GEN2_PHOTON, 8: GEN2_PHOTON, 10: ELECTRON, 12: GEN3, 13: GEN3, 23: GEN3, 25: GEN3, 26: GEN3, 32: RTL872X,
};

interface RawPlatform {
  displayName?: string;
  generation?: number;
  firmwareModules?: { type: string; maxSize?: number }[];
  dfu?: { segments?: { formerUserPart?: { address: string; alt: number; size: number } } };
}

function raw(platformId: number): RawPlatform | undefined {
  return (platformsById as Record<number, RawPlatform>)[platformId];
}

export function platformName(platformId: number): string {
  return raw(platformId)?.displayName ?? `platform ${platformId}`;
}

export function platformGeneration(platformId: number): number | null {
  return raw(platformId)?.generation ?? null;
}

export function slotsFor(platformId: number): FlashSlot[] | null {
  const layout = LAYOUTS[platformId];
  if (!layout) return null;
  const maxSizes = raw(platformId)?.firmwareModules ?? [];
  return layout.map((s) => ({
    ...s,
    startMax: s.startMax ?? s.startMin,
    maxSize: maxSizes.find((m) => m.type === s.function)?.maxSize ?? null,
  }));
}

/** The slot a module belongs in; `exact` is false when only the function matched (wrong start address). */
export function findSlot(
  platformId: number,
  fn: ModuleFunction,
  index: number,
  start: number,
): { slot: FlashSlot; exact: boolean } | null {
  const candidates = (slotsFor(platformId) ?? []).filter((s) => s.function === fn);
  const exact = candidates.find((s) => start >= s.startMin && start <= s.startMax && (s.index === null || s.index === index));
  if (exact) return { slot: exact, exact: true };
  const near = candidates.find((s) => s.index === null || s.index === index) ?? candidates[0];
  return near ? { slot: near, exact: false } : null;
}

/** Gen 3 legacy 128 KB user slot that a ≥ 3.1 app must invalidate (device-constants `formerUserPart`). */
export function formerUserPart(platformId: number): { address: number; alt: number; size: number } | null {
  const seg = raw(platformId)?.dfu?.segments?.formerUserPart;
  return seg ? { address: Number(seg.address), alt: seg.alt, size: seg.size } : null;
}
