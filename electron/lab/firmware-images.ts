import { createHash } from 'node:crypto';
import { crc32 } from './util/crc32';
import { SeededRandom } from './util/prng';

/** module_function codes of the prefix (firmware-modules.md §2.1). */
export const MODULE_FUNCTION = {
  none: 0,
  resource: 1,
  bootloader: 2,
  monoFirmware: 3,
  systemPart: 4,
  userPart: 5,
  settings: 6,
  ncpFirmware: 7,
  radioStack: 8,
  asset: 9,
} as const;
export type ModuleFunctionName = keyof typeof MODULE_FUNCTION;

export interface ModuleDependency {
  function: ModuleFunctionName;
  index: number;
  version: number;
}

export interface ModuleImageSpec {
  platformId: number;
  function: ModuleFunctionName;
  index: number;
  version: number;
  /** Flash address the image is flashed at (= module_start_address). */
  startAddress: number;
  /** Total file length including prefix area, suffix and CRC. */
  size: number;
  /** Where the 24-byte prefix sits (0 user parts, 0x184 Gen 2 system/bootloader, 0x200 Gen 3, 0x20 P2 bootloader). */
  prefixOffset: number;
  dependency?: ModuleDependency;
  dependency2?: ModuleDependency;
  /** 0xFFFF on non-product builds. */
  productId?: number;
  productVersion?: number;
  flags?: number;
  /** Seed of the synthetic body bytes (same seed, same image). */
  seed?: number;
}

export const MODULE_PREFIX_SIZE = 24;
/** Suffix bytes counted by the suffix-size field: product id, product version, reserved, SHA-256, size. */
export const MODULE_SUFFIX_SIZE = 40;
const MIN_SIZE = 0x400;

/**
 * A synthetic but well-formed module binary: prefix at the platform's offset, body, 40-byte suffix
 * with SHA-256 over [0, len−38), CRC-32 over [0, len−4) stored big-endian (firmware-modules.md §1–3).
 * File length = end − start + 4, so the image can be flashed at startAddress and validated in place.
 */
export function buildModuleImage(spec: ModuleImageSpec): Uint8Array {
  if (spec.size < MIN_SIZE || spec.size % 4 !== 0) throw new Error(`module size must be a multiple of 4 and ≥ ${MIN_SIZE}`);
  const image = new SeededRandom(spec.seed ?? spec.version * 977 + spec.index).bytes(spec.size);
  // A vector table / header area before the prefix: the initial stack pointer and reset vector.
  const view = new DataView(image.buffer);
  const p = spec.prefixOffset;
  view.setUint32(p + 0, spec.startAddress, true);
  view.setUint32(p + 4, spec.startAddress + spec.size - 4, true);
  view.setUint8(p + 8, 0);
  view.setUint8(p + 9, spec.flags ?? 0);
  view.setUint16(p + 10, spec.version, true);
  view.setUint16(p + 12, spec.platformId, true);
  view.setUint8(p + 14, MODULE_FUNCTION[spec.function]);
  view.setUint8(p + 15, spec.index);
  writeDependency(view, p + 16, spec.dependency);
  writeDependency(view, p + 20, spec.dependency2);

  const len = spec.size;
  view.setUint16(len - 44, spec.productId ?? 0xffff, true);
  view.setUint16(len - 42, spec.productVersion ?? 0xffff, true);
  view.setUint16(len - 40, 0, true);
  view.setUint16(len - 6, MODULE_SUFFIX_SIZE, true);
  image.set(createHash('sha256').update(image.subarray(0, len - 38)).digest(), len - 38);
  view.setUint32(len - 4, crc32(image.subarray(0, len - 4)), false);
  return image;
}

function writeDependency(view: DataView, at: number, dep: ModuleDependency | undefined): void {
  view.setUint8(at, dep ? MODULE_FUNCTION[dep.function] : 0);
  view.setUint8(at + 1, dep ? dep.index : 0);
  view.setUint16(at + 2, dep ? dep.version : 0, true);
}

export interface ModulePrefix {
  startAddress: number;
  endAddress: number;
  flags: number;
  version: number;
  platformId: number;
  functionCode: number;
  index: number;
  dependency: { functionCode: number; index: number; version: number };
  dependency2: { functionCode: number; index: number; version: number };
}

export function parseModulePrefix(bytes: Uint8Array, offset = 0): ModulePrefix {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, MODULE_PREFIX_SIZE);
  const dep = (at: number) => ({ functionCode: view.getUint8(at), index: view.getUint8(at + 1), version: view.getUint16(at + 2, true) });
  return {
    startAddress: view.getUint32(0, true),
    endAddress: view.getUint32(4, true),
    flags: view.getUint8(9),
    version: view.getUint16(10, true),
    platformId: view.getUint16(12, true),
    functionCode: view.getUint8(14),
    index: view.getUint8(15),
    dependency: dep(16),
    dependency2: dep(20),
  };
}

/** Does the stored big-endian CRC at `end` match the bytes [start, end)? Reads through `read`. */
export function moduleCrcValid(read: (address: number, length: number) => Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  const body = read(start, end - start);
  const stored = read(end, 4);
  const storedCrc = ((stored[0] << 24) | (stored[1] << 16) | (stored[2] << 8) | stored[3]) >>> 0;
  return crc32(body) === storedCrc;
}
