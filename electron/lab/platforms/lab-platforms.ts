import { platformById, type CloudProtocol } from '../../../shared/domain/platforms';
import type { ModuleFunctionName } from '../firmware-images';

/** Where a firmware module lives in internal flash (firmware-modules.md §5). */
export interface ModuleSlot {
  function: ModuleFunctionName;
  index: number;
  address: number;
  maxSize: number;
  prefixOffset: number;
  /** P2 user parts end at a fixed address and grow downwards (device-constants growsLeft). */
  growsLeftFrom?: number;
}

/** How the application DCT is stored and how DFU alt 1 reaches it (dct-and-keys.md §10, dfu-dfuse.md §6). */
export type DctStorage = 'wiced-sectors' | 'sealed-sectors' | 'file';
export type DctDfuAccess = 'borrowed-from-system-part-2' | 'bootloader' | 'bootloader-file';

export interface LabPlatform {
  id: number;
  name: string;
  productName: string;
  generation: 2 | 3 | 4;
  protocol: CloudProtocol;
  wifi: boolean;
  /** DfuSe layout strings per alt, as the bootloader compiles them (dfu-dfuse.md §3.2). */
  dfuAlts: string[];
  /** Gen 2 reports failures by stalling EP0; Gen 3/4 report dfuERROR through GETSTATUS. */
  errorsByStall: boolean;
  /** bState reported by the GETSTATUS right after the zero-length leave DNLOAD (Gen 2 quirk: 5). */
  leaveReportedState: 5 | 7;
  /** Alt-0 range the bootloader refuses to erase/write whatever the layout says (DFU_MAL_IS_PROTECTED_AREA). */
  protectedArea: { start: number; end: number } | null;
  /** One-sector DfuSe mass erase: Gen 2 stalls it, Gen 3/4 answer errTARGET. */
  massEraseResult: 'stall' | 'errTARGET';
  dctStorage: DctStorage;
  dctAccess: DctDfuAccess;
  /** Physical DCT sectors (Gen 2) inside internal flash. */
  dctSectors: [number, number] | null;
  slots: ModuleSlot[];
  /** The module the bootloader jumps to: without a valid one it stays in DFU. */
  bootSlot: { function: ModuleFunctionName; index: number };
  outNeedsDataStage: boolean;
  supportsProtection: boolean;
}

const GEN2_ALT0 = '@Internal Flash   /0x08000000/03*016Ka,01*016Kg,01*064Kg,07*128Kg';
const GEN2_ALT1 = '@DCT Flash   /0x00000000/01*016Kg';
const GEN3_ALT0 = '@Internal Flash   /0x00000000/1*004Ka,47*004Kg,192*004Kg,4*004Kg,4*004Kg,8*004Ka';
const GEN3_ALT1 = '@DCT Flash   /0x00000000/1*016Ke';
const GEN3_ALT2 = '@External Flash   /0x80000000/1024*004Kg';
const P2_ALT0 = '@Internal Flash   /0x08000000/2048*004Kg';
const P2_ALT1 = '@DCT Flash   /0x00000000/1*016Ke';

const K = 1024;

function gen2(id: 6 | 8 | 10, productName: string, slots: ModuleSlot[]): LabPlatform {
  const isElectron = id === 10;
  return {
    id,
    name: platformById(id)!.name,
    productName,
    generation: 2,
    protocol: isElectron ? 'udp' : 'tcp',
    wifi: !isElectron,
    dfuAlts: id === 8 ? [GEN2_ALT0, GEN2_ALT1, '@Serial Flash   /0x00000000/256*004Kg'] : [GEN2_ALT0, GEN2_ALT1],
    errorsByStall: true,
    leaveReportedState: 5,
    protectedArea: { start: 0x08000000, end: 0x08020000 },
    massEraseResult: 'stall',
    dctStorage: isElectron ? 'sealed-sectors' : 'wiced-sectors',
    dctAccess: isElectron ? 'bootloader' : 'borrowed-from-system-part-2',
    dctSectors: [0x08004000, 0x08008000],
    slots,
    bootSlot: { function: 'systemPart', index: 1 },
    outNeedsDataStage: false,
    supportsProtection: false,
  };
}

const gen2Boot: ModuleSlot = { function: 'bootloader', index: 0, address: 0x08000000, maxSize: 16 * K, prefixOffset: 0x184 };
const photonSlots: ModuleSlot[] = [
  gen2Boot,
  { function: 'systemPart', index: 1, address: 0x08020000, maxSize: 256 * K, prefixOffset: 0x184 },
  { function: 'systemPart', index: 2, address: 0x08060000, maxSize: 256 * K, prefixOffset: 0x184 },
  { function: 'userPart', index: 1, address: 0x080a0000, maxSize: 128 * K, prefixOffset: 0 },
];

const gen3Slots: ModuleSlot[] = [
  { function: 'bootloader', index: 0, address: 0x000f4000, maxSize: 48 * K, prefixOffset: 0x200 },
  { function: 'systemPart', index: 1, address: 0x00030000, maxSize: 816 * K, prefixOffset: 0x200 },
  { function: 'userPart', index: 2, address: 0x000b4000, maxSize: 256 * K, prefixOffset: 0 },
];

function gen3(id: 12 | 13, productName: string): LabPlatform {
  return {
    id,
    name: platformById(id)!.name,
    productName,
    generation: 3,
    protocol: 'udp',
    wifi: id === 12,
    dfuAlts: [GEN3_ALT0, GEN3_ALT1, GEN3_ALT2],
    errorsByStall: false,
    leaveReportedState: 7,
    protectedArea: null,
    massEraseResult: 'errTARGET',
    dctStorage: 'file',
    dctAccess: 'bootloader-file',
    dctSectors: null,
    slots: gen3Slots,
    bootSlot: { function: 'systemPart', index: 1 },
    outNeedsDataStage: false,
    supportsProtection: true,
  };
}

const PLATFORMS: LabPlatform[] = [
  gen2(6, 'Photon', photonSlots),
  gen2(8, 'P1', photonSlots),
  gen2(10, 'Electron', [
    gen2Boot,
    { function: 'systemPart', index: 1, address: 0x08020000, maxSize: 128 * K, prefixOffset: 0x184 },
    { function: 'systemPart', index: 2, address: 0x08040000, maxSize: 128 * K, prefixOffset: 0x184 },
    { function: 'systemPart', index: 3, address: 0x08060000, maxSize: 128 * K, prefixOffset: 0x184 },
    { function: 'userPart', index: 1, address: 0x08080000, maxSize: 128 * K, prefixOffset: 0 },
  ]),
  gen3(12, 'Argon'),
  gen3(13, 'Boron'),
  {
    id: 32,
    name: platformById(32)!.name,
    productName: 'P2',
    generation: 4,
    protocol: 'udp',
    wifi: true,
    dfuAlts: [P2_ALT0, P2_ALT1],
    errorsByStall: false,
    leaveReportedState: 7,
    protectedArea: null,
    massEraseResult: 'errTARGET',
    dctStorage: 'file',
    dctAccess: 'bootloader-file',
    dctSectors: null,
    slots: [
      { function: 'bootloader', index: 0, address: 0x08004000, maxSize: 64 * K, prefixOffset: 0x20 },
      { function: 'systemPart', index: 1, address: 0x08060000, maxSize: 2560 * K, prefixOffset: 0 },
      { function: 'userPart', index: 2, address: 0x08600000, maxSize: 1536 * K, prefixOffset: 0, growsLeftFrom: 0x08600000 },
    ],
    bootSlot: { function: 'systemPart', index: 1 },
    outNeedsDataStage: true,
    supportsProtection: true,
  },
];

export function labPlatform(id: number): LabPlatform {
  const platform = PLATFORMS.find((p) => p.id === id);
  if (!platform) throw new Error(`the device lab has no model of platform ${id}`);
  return platform;
}

export function labPlatforms(): readonly LabPlatform[] {
  return PLATFORMS;
}
