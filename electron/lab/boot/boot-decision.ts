import { type ModuleStatus, findStatus, isValid } from './module-scan';
import type { LabPlatform } from '../platforms/lab-platforms';

export type BootRequest = 'dfu' | 'safe' | 'listening' | null;
export type VirtualMode = 'normal' | 'listening' | 'safe' | 'dfu' | 'off';

export interface BootDecision {
  mode: VirtualMode;
  /** Device OS runs and should try to reach the cloud (normal and safe mode). */
  connect: boolean;
  reason: string;
}

/**
 * What the bootloader and Device OS decide after a reset (platforms.md §3, led-status.md §4,
 * firmware-modules.md §3.2): no bootloader → dark; DFU when asked or when the system firmware is not
 * valid (the Gen 2 bootloader falls back to DFU); safe mode when asked, when system dependencies are
 * unmet or the user part is missing/broken; listening when asked or without Wi-Fi credentials.
 */
export function decideBoot(platform: LabPlatform, modules: ModuleStatus[], request: BootRequest, wifiCredentials: boolean): BootDecision {
  const bootloader = findStatus(modules, 'bootloader', 0);
  if (!bootloader || !bootloader.present || !bootloader.integrity) {
    return { mode: 'off', connect: false, reason: 'no valid bootloader: the MCU has nothing to run (only SWD/JTAG can fix this)' };
  }
  if (request === 'dfu') return { mode: 'dfu', connect: false, reason: 'DFU mode requested' };
  const systemParts = modules.filter((m) => m.slot.function === 'systemPart');
  const boot = findStatus(modules, platform.bootSlot.function, platform.bootSlot.index);
  const broken = systemParts.find((m) => !m.present || !m.integrity || !m.range || !m.platform);
  if (!boot || broken) {
    const which = broken ? `system part ${broken.slot.index}` : 'system firmware';
    return { mode: 'dfu', connect: false, reason: `${which} missing or corrupt: the bootloader stays in DFU mode` };
  }
  const listening = request === 'listening' || (platform.wifi && !wifiCredentials);
  const listenReason = request === 'listening' ? 'listening mode requested' : 'no Wi-Fi credentials stored';
  const unmet = systemParts.find((m) => !m.dependencies);
  if (unmet) {
    return listening
      ? { mode: 'listening', connect: false, reason: `${listenReason} (safe mode: system dependencies not met)` }
      : { mode: 'safe', connect: true, reason: `system part ${unmet.slot.index} dependencies not met` };
  }
  if (listening) return { mode: 'listening', connect: false, reason: listenReason };
  if (request === 'safe') return { mode: 'safe', connect: true, reason: 'safe mode requested' };
  const user = modules.find((m) => m.slot.function === 'userPart');
  if (!user || !isValid(user)) {
    const why = !user || !user.present ? 'no user application' : !user.integrity ? 'user application CRC mismatch' : 'user application dependencies not met';
    return { mode: 'safe', connect: true, reason: `${why}: safe mode` };
  }
  return { mode: 'normal', connect: true, reason: 'firmware valid' };
}
