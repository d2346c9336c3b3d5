import type { ModuleInfo } from '../../../shared/contract/firmware';

const KIND_RANK: Partial<Record<ModuleInfo['function'], number>> = {
  bootloader: 0, radioStack: 1, ncpFirmware: 2, systemPart: 3, monoFirmware: 4, userPart: 5, asset: 6,
};

function rank(m: ModuleInfo): number {
  return KIND_RANK[m.function] ?? 7;
}

function byKindThenAddress(a: ModuleInfo, b: ModuleInfo): number {
  return rank(a) - rank(b) || a.startAddress - b.startAddress;
}

/**
 * Dependencies first (a module another one in the set depends on, matched by function and index, goes
 * before it). Device OS system parts depend on each other in a ring (Electron: 1→3, 2→1, 3→2), so when no
 * module is free of pending dependencies the lowest start address goes next: never the file name.
 */
export function orderModules<T extends { info: ModuleInfo }>(modules: T[]): T[] {
  const remaining = [...modules];
  const placed: T[] = [];
  const dependsOnRemaining = (m: T) =>
    m.info.dependencies.some((d) => remaining.some((o) => o !== m && o.info.function === d.function && o.info.index === d.index));
  while (remaining.length > 0) {
    const ready = remaining.filter((m) => !dependsOnRemaining(m));
    const pool = ready.length > 0 ? ready : remaining;
    const next = [...pool].sort((a, b) => (ready.length > 0 ? byKindThenAddress(a.info, b.info) : a.info.startAddress - b.info.startAddress))[0];
    placed.push(next);
    remaining.splice(remaining.indexOf(next), 1);
  }
  return placed;
}
