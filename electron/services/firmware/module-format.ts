import type { ModuleInfo } from '../../../shared/contract/firmware';

export type ModuleFunction = ModuleInfo['function'];

/** `module_function` codes in the module prefix (firmware-modules.md §2.1), by value. */
const FUNCTIONS: readonly ModuleFunction[] = [
  'none', 'resource', 'bootloader', 'monoFirmware', 'systemPart', 'userPart', 'settings', 'ncpFirmware', 'radioStack', 'asset',
];

export function functionFromCode(code: number): ModuleFunction {
  return FUNCTIONS[code] ?? 'unknown';
}

export const PREFIX_SIZE = 24;
/** Suffix: u16 size, 32-byte SHA-256, then the CRC; 36 is the oldest layout (no product fields). */
export const MIN_SUFFIX_SIZE = 36;
export const CRC_SIZE = 4;
/** DROP_MODULE_INFO | COMPRESSED | COMBINED | ENCRYPTED | PREFIX_EXTENSIONS */
export const KNOWN_FLAGS = 0x1f;
export const FLAG = { dropModuleInfo: 0x01, compressed: 0x02, combined: 0x04, encrypted: 0x08, prefixExtensions: 0x10 } as const;
/**
 * Where a prefix can sit: after nothing (user parts, RTL872x system part), the RTL872x XIP header,
 * the STM32F2 vector table, or the nRF52840 vector table (firmware-modules.md §2.3).
 */
export const PREFIX_OFFSETS = [0, 0x20, 0x184, 0x200] as const;
/** No Particle flash slot is this large; anything bigger is a corrupt header, not a module. */
export const MAX_MODULE_LENGTH = 8 * 1024 * 1024;

export function describeModule(fn: ModuleFunction, index: number): string {
  switch (fn) {
    case 'systemPart':
      return `system part ${index}`;
    case 'userPart':
      return 'user firmware';
    case 'bootloader':
      return index ? `bootloader ${index}` : 'bootloader';
    case 'monoFirmware':
      return 'monolithic firmware';
    case 'radioStack':
      return 'radio stack (SoftDevice)';
    case 'ncpFirmware':
      return 'network co-processor firmware';
    default:
      return `${fn} module ${index}`;
  }
}

export function hex(address: number): string {
  return `0x${address.toString(16).padStart(8, '0')}`;
}
