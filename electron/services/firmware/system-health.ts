import type { DeviceModuleInfo } from '../control/module-info';

const PHOTON_CLASS = new Set([6, 8]);

/** Device OS parts a platform needs (Gen 2 splits it: Photon/P1 into 2, Electron into 3). */
function expectedSystemParts(platformId: number): number[] {
  if (platformId === 10) return [1, 2, 3];
  if (PHOTON_CLASS.has(platformId)) return [1, 2];
  return [1];
}

function systemDamaged(modules: DeviceModuleInfo[], platformId: number): boolean {
  const system = modules.filter((m) => m.store === 'main' && m.function === 'systemPart');
  if (system.some((m) => !m.valid)) return true;
  return expectedSystemParts(platformId).some((index) => !system.some((m) => m.index === index));
}

/**
 * Whether the wizard must put "reflash Device OS" before "repair keys".
 * - Modules known: any missing or failing system part (including a failed dependency check, i.e. parts
 *   from different releases) → reflash first; repaired keys are useless to firmware that cannot run.
 * - Modules unknown (device only reachable in DFU mode): on Photon/P1 the bootloader reads the DCT through
 *   system part 2 (dfu-dfuse.md §6), so an unreadable DCT means Device OS must be restored first. Electron
 *   and later bootloaders carry their own DCT code, so there an unreadable DCT is not a system-part issue.
 */
export function needsSystemReflash(modules: DeviceModuleInfo[] | null, dctReadable: boolean, platformId: number): boolean {
  if (modules === null) return PHOTON_CLASS.has(platformId) && !dctReadable;
  return systemDamaged(modules, platformId);
}
