import { type ModuleDependency, type ModuleFunctionName, buildModuleImage } from '../firmware-images';
import type { LabPlatform } from '../platforms/lab-platforms';

/** A Device OS release as module versions (firmware-modules.md §8). */
export interface DeviceOsRelease {
  version: string;
  system: number;
  bootloader: number;
}

export const RELEASES = {
  '0.6.4': { version: '0.6.4', system: 110, bootloader: 11 },
  '2.3.1': { version: '2.3.1', system: 2302, bootloader: 1006 },
  '4.2.0': { version: '4.2.0', system: 4200, bootloader: 1200 },
  '6.2.0': { version: '6.2.0', system: 6200, bootloader: 3100 },
} as const satisfies Record<string, DeviceOsRelease>;

/** Synthetic module sizes: small enough to build fast, large enough to span several DFU blocks. */
const SIZE: Record<ModuleFunctionName, number> = {
  bootloader: 0x2000,
  systemPart: 0x8000,
  userPart: 0x4000,
  none: 0x400,
  resource: 0x400,
  monoFirmware: 0x400,
  settings: 0x400,
  ncpFirmware: 0x400,
  radioStack: 0x400,
  asset: 0x400,
};

const USER_PART_VERSION = 6;

/** Dependencies each release writes into its modules (firmware-modules.md §5.2, §7.1). */
function dependenciesOf(platform: LabPlatform, fn: ModuleFunctionName, index: number, release: DeviceOsRelease): [ModuleDependency?, ModuleDependency?] {
  const sys = (i: number, version: number): ModuleDependency => ({ function: 'systemPart', index: i, version });
  const boot = (version: number): ModuleDependency => ({ function: 'bootloader', index: 0, version });
  if (fn === 'bootloader') return [];
  if (platform.generation === 2 && platform.id !== 10) {
    if (fn === 'systemPart' && index === 1) return release.system >= 300 ? [sys(2, 207)] : [];
    if (fn === 'systemPart' && index === 2) return [sys(1, release.system), boot(Math.min(release.bootloader, 1003))];
    return [sys(2, release.system)];
  }
  if (platform.id === 10) {
    if (fn === 'systemPart' && index === 1) return [sys(3, release.system)];
    if (fn === 'systemPart' && index === 2) return [sys(1, release.system), boot(Math.min(release.bootloader, 1003))];
    if (fn === 'systemPart' && index === 3) return [sys(2, 110)];
    return [sys(2, release.system)];
  }
  if (fn === 'systemPart') return [boot(release.bootloader)];
  return [sys(1, release.system)];
}

/** Every module slot of the platform filled with a valid image of `release` (bootloader, system parts, Tinker-like app). */
export function releaseModules(platform: LabPlatform, release: DeviceOsRelease, seed: number): { address: number; image: Uint8Array }[] {
  return platform.slots.map((slot, i) => {
    const size = Math.min(SIZE[slot.function], slot.maxSize);
    const address = slot.growsLeftFrom ? slot.growsLeftFrom - size : slot.address;
    const [dependency, dependency2] = dependenciesOf(platform, slot.function, slot.index, release);
    const version = slot.function === 'bootloader' ? release.bootloader : slot.function === 'userPart' ? USER_PART_VERSION : release.system;
    const image = buildModuleImage({
      platformId: platform.id,
      function: slot.function,
      index: slot.index,
      version,
      startAddress: address,
      size,
      prefixOffset: slot.prefixOffset,
      dependency,
      dependency2,
      seed: seed + i,
    });
    return { address, image };
  });
}
