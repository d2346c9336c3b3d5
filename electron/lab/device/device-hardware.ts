import { DctMemory, type DfuMemory, FlashMemory } from '../dfu/dfu-memory';
import { FileDctStore, type DctStore, type FileDctSnapshot, SealedDctStore, WicedDctStore } from '../dct/dct-store';
import { parseMemoryLayout } from '../flash/memory-layout';
import { NorFlash } from '../flash/nor-flash';
import type { LabPlatform } from '../platforms/lab-platforms';
import { type ModuleStatus, findStatus, isValid, scanModules } from '../boot/module-scan';

/** The starting contents of a virtual device, as a scenario describes it. */
export interface DeviceImage {
  platformId: number;
  deviceId: string;
  systemVersion: string;
  systemModuleVersion: number;
  /** Module binaries and where they are flashed. */
  modules: { address: number; image: Uint8Array }[];
  /** Byte damage applied after flashing (a corrupt system part, a bad user app). */
  damage?: { address: number; bytes: Uint8Array }[];
  appDct: Uint8Array;
  wifiSsid: string | null;
  deviceProtection: boolean;
}

/** What survives power-off: flash chips (WICED/sealed DCT included) and a Gen 3/4 DCT file. */
export interface HardwareSnapshot {
  flash: Record<number, Uint8Array>;
  external: Record<number, Uint8Array> | null;
  dctFile: FileDctSnapshot | null;
}

/** Flash chips and DCT storage of one device; what survives resets and re-enumerations. */
export class DeviceHardware {
  readonly flash: NorFlash;
  readonly external: NorFlash | null;
  readonly dct: DctStore;

  constructor(
    readonly platform: LabPlatform,
    image: DeviceImage,
  ) {
    this.flash = new NorFlash(parseMemoryLayout(platform.dfuAlts[0]));
    this.external = platform.dfuAlts[2] ? new NorFlash(parseMemoryLayout(platform.dfuAlts[2])) : null;
    for (const { address, image: bytes } of image.modules) {
      if (this.flash.eraseAndProgram(address, bytes) !== 'ok') throw new Error(`scenario module does not fit at 0x${address.toString(16)}`);
    }
    for (const { address, bytes } of image.damage ?? []) this.flash.corrupt(address, bytes);
    if (platform.dctStorage === 'wiced-sectors') {
      const store = new WicedDctStore(this.flash, platform.dctSectors!);
      store.format(image.appDct, image.wifiSsid);
      this.dct = store;
    } else if (platform.dctStorage === 'sealed-sectors') {
      const store = new SealedDctStore(this.flash, platform.dctSectors!);
      store.format(image.appDct);
      this.dct = store;
    } else {
      const store = new FileDctStore();
      store.format(image.appDct, image.wifiSsid);
      this.dct = store;
    }
  }

  modules(): ModuleStatus[] {
    return scanModules(this.flash, this.platform);
  }

  snapshot(): HardwareSnapshot {
    return {
      flash: this.flash.snapshot(),
      external: this.external?.snapshot() ?? null,
      dctFile: this.dct instanceof FileDctStore ? this.dct.snapshot() : null,
    };
  }

  restore(snapshot: HardwareSnapshot): void {
    this.flash.restore(snapshot.flash);
    if (this.external && snapshot.external) this.external.restore(snapshot.external);
    if (this.dct instanceof FileDctStore && snapshot.dctFile) this.dct.restore(snapshot.dctFile);
  }

  /**
   * Photon/P1: the bootloader borrows the DCT code of system-part 2 (version ≥ 200 with a consistent
   * system-part 1); re-checked on every access, like the pointer reload after each system-part write.
   */
  dctReachableOverDfu(): boolean {
    if (this.platform.dctAccess !== 'borrowed-from-system-part-2') return true;
    const modules = this.modules();
    const part1 = findStatus(modules, 'systemPart', 1);
    const part2 = findStatus(modules, 'systemPart', 2);
    if (!part1 || !part2 || !part2.present || !part2.integrity || !part1.integrity) return false;
    return isValid(part2) && part2.prefix!.version >= 200 && part1.prefix!.version === part2.prefix!.version;
  }

  dfuMemories(deviceProtection: boolean, garbageSeed: number): DfuMemory[] {
    const p = this.platform;
    const memories: DfuMemory[] = [
      new FlashMemory('internal', this.flash, p.dfuAlts[0], p.protectedArea, deviceProtection),
      new DctMemory(this.dct, p.dfuAlts[1], deviceProtection, () => this.dctReachableOverDfu(), garbageSeed),
    ];
    if (this.external) memories.push(new FlashMemory('external', this.external, p.dfuAlts[2], null, deviceProtection));
    return memories;
  }
}
