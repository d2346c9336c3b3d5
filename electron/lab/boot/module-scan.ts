import { MODULE_FUNCTION, type ModulePrefix, moduleCrcValid, parseModulePrefix } from '../firmware-images';
import type { NorFlash } from '../flash/nor-flash';
import type { LabPlatform, ModuleSlot } from '../platforms/lab-platforms';

/** What the bootloader / system learns about one module slot (firmware-modules.md §3.2). */
export interface ModuleStatus {
  slot: ModuleSlot;
  /** A prefix naming this slot's function/index/platform was found at the slot's address. */
  present: boolean;
  prefix: ModulePrefix | null;
  startAddress: number;
  size: number;
  integrity: boolean;
  range: boolean;
  platform: boolean;
  dependencies: boolean;
}

export function isValid(status: ModuleStatus): boolean {
  return status.present && status.integrity && status.range && status.platform && status.dependencies;
}

function probe(flash: NorFlash, platform: LabPlatform, slot: ModuleSlot, start: number): ModuleStatus {
  const prefixBytes = flash.read(start + slot.prefixOffset, 24);
  const prefix = parseModulePrefix(prefixBytes);
  const present = prefix.functionCode === MODULE_FUNCTION[slot.function] && prefix.startAddress === start;
  const range = present && prefix.endAddress > start && prefix.endAddress - start <= slot.maxSize && flash.contains(start, prefix.endAddress - start + 4);
  return {
    slot,
    present,
    prefix: present ? prefix : null,
    startAddress: start,
    size: range ? prefix.endAddress - start + 4 : 0,
    integrity: range && moduleCrcValid((a, n) => flash.read(a, n), start, prefix.endAddress),
    range,
    platform: present && prefix.platformId === platform.id,
    dependencies: true,
  };
}

/** P2 user parts end at a fixed address and start wherever their size puts them: look for the prefix. */
function probeGrowsLeft(flash: NorFlash, platform: LabPlatform, slot: ModuleSlot): ModuleStatus {
  const from = slot.growsLeftFrom!;
  const highest = from - 0x1000;
  for (let start = highest; start >= from - slot.maxSize; start -= 0x1000) {
    const prefix = parseModulePrefix(flash.read(start + slot.prefixOffset, 24));
    if (prefix.functionCode === MODULE_FUNCTION[slot.function] && prefix.startAddress === start && prefix.endAddress === from - 4) {
      return probe(flash, platform, slot, start);
    }
  }
  return probe(flash, platform, slot, highest);
}

/**
 * Validate every module slot the way Device OS does on boot: prefix, address range, platform, CRC-32,
 * then dependencies (function + index, minimum version) against the other valid modules.
 */
export function scanModules(flash: NorFlash, platform: LabPlatform): ModuleStatus[] {
  const statuses = platform.slots.map((slot) => (slot.growsLeftFrom ? probeGrowsLeft(flash, platform, slot) : probe(flash, platform, slot, slot.address)));
  for (const status of statuses) {
    if (!status.prefix) continue;
    for (const dep of [status.prefix.dependency, status.prefix.dependency2]) {
      if (dep.functionCode === 0) continue;
      const provider = statuses.find(
        (s) => s.prefix && s.prefix.functionCode === dep.functionCode && s.prefix.index === dep.index && s.integrity && s.platform,
      );
      if (!provider || provider.prefix!.version < dep.version) status.dependencies = false;
    }
  }
  return statuses;
}

export function findStatus(statuses: ModuleStatus[], fn: keyof typeof MODULE_FUNCTION, index: number): ModuleStatus | undefined {
  return statuses.find((s) => s.slot.function === fn && s.slot.index === index);
}
