import { createHash } from 'node:crypto';
import { platformsById } from '@particle/device-constants';
import { RescueError } from '../../../shared/errors';
import type { ModuleInfo } from '../../../shared/contract/firmware';
import { crc32 } from './crc32';
import {
  CRC_SIZE, FLAG, KNOWN_FLAGS, MAX_MODULE_LENGTH, MIN_SUFFIX_SIZE, PREFIX_OFFSETS, PREFIX_SIZE, functionFromCode, hex,
} from './module-format';

/** A module file understood well enough to check it, place it and write it. */
export interface ParsedModule {
  info: ModuleInfo;
  /** Exactly the bytes to write at info.startAddress (padding past the CRC is dropped). */
  image: Uint8Array;
  prefixOffset: number;
  /** Which range the stored CRC matched: start..end from the prefix, or (old padded images) the whole file. */
  crcCoverage: 'module' | 'whole-file';
  crc: { stored: number; computed: number };
}

export interface Prefix {
  start: number;
  end: number;
  flags: number;
  version: number;
  platformId: number;
  functionCode: number;
  index: number;
  deps: { functionCode: number; index: number; version: number }[];
}

const FIX_REDOWNLOAD = 'Download the file again from its source (Particle release page or your build output) and retry.';

export function readPrefix(view: DataView, offset: number): Prefix {
  const dep = (at: number) => ({ functionCode: view.getUint8(at), index: view.getUint8(at + 1), version: view.getUint16(at + 2, true) });
  return {
    start: view.getUint32(offset, true),
    end: view.getUint32(offset + 4, true),
    flags: view.getUint8(offset + 9),
    version: view.getUint16(offset + 10, true),
    platformId: view.getUint16(offset + 12, true),
    functionCode: view.getUint8(offset + 14),
    index: view.getUint8(offset + 15),
    deps: [dep(offset + 16), dep(offset + 20)],
  };
}

/** Why a candidate prefix is not a module header, or null when it is plausible. */
export function implausible(p: Prefix, offset: number): string | null {
  if (p.end <= p.start) return `end address ${hex(p.end)} is not after start address ${hex(p.start)}`;
  if (p.end - p.start > MAX_MODULE_LENGTH) return `module length ${p.end - p.start} bytes is larger than any Particle flash slot`;
  if (offset + PREFIX_SIZE + MIN_SUFFIX_SIZE > p.end - p.start) return 'module is too short to hold its own header and suffix';
  if (p.functionCode === 0 || functionFromCode(p.functionCode) === 'unknown') return `unknown module function ${p.functionCode}`;
  if (!(platformsById as Record<number, unknown>)[p.platformId]) return `unknown platform id ${p.platformId}`;
  if ((p.flags & ~KNOWN_FLAGS) !== 0) return `unknown flags 0x${p.flags.toString(16)}`;
  for (const d of p.deps) {
    if (functionFromCode(d.functionCode) === 'unknown') return `unknown dependency function ${d.functionCode}`;
    if (d.functionCode === 0 && (d.index !== 0 || d.version !== 0)) return 'dependency fields set without a dependency function';
  }
  return null;
}

function findPrefix(fileName: string, data: Uint8Array, view: DataView): { prefix: Prefix; offset: number } {
  let truncated: { prefix: Prefix; offset: number } | null = null;
  let firstReason = 'no module header found';
  for (const offset of PREFIX_OFFSETS) {
    if (offset + PREFIX_SIZE > data.length) continue;
    const prefix = readPrefix(view, offset);
    const reason = implausible(prefix, offset);
    if (reason) {
      if (offset === 0) firstReason = reason;
      continue;
    }
    if (prefix.end - prefix.start + CRC_SIZE <= data.length) return { prefix, offset };
    truncated ??= { prefix, offset };
  }
  if (truncated) {
    const expected = truncated.prefix.end - truncated.prefix.start + CRC_SIZE;
    throw new RescueError(
      'FIRMWARE_INVALID',
      `${fileName} is truncated: its header describes a ${expected}-byte module but the file has ${data.length} bytes.`,
      FIX_REDOWNLOAD,
      { fileName, expected, actual: data.length },
    );
  }
  throw new RescueError(
    'FIRMWARE_INVALID',
    `${fileName} is not a Particle firmware module (${firstReason}).`,
    'Choose a .bin built for a Particle device (user firmware or a Device OS system part), or a Device OS release .zip.',
    { fileName },
  );
}

const KNOWN_EXTENSION_TYPES = new Set([0x0000, 0x0001, 0x0002, 0x0003, 0x0010, 0x0011, 0x0012, 0x0013, 0x0014]);

/** PREFIX_EXTENSIONS: known TLVs after the 24-byte prefix, ending with an END extension inside the module. */
function prefixExtensionsValid(view: DataView, from: number, moduleEnd: number): boolean {
  let at = from;
  while (at + 4 <= moduleEnd) {
    const type = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (!KNOWN_EXTENSION_TYPES.has(type) || length < 4 || at + length > moduleEnd) return false;
    if (type === 0) return true;
    at += length;
  }
  return false;
}

/** Suffix extensions (S > 40) must be well-formed TLVs filling [crc − S, crc − 36) exactly (firmware-modules.md §3). */
function suffixExtensionsValid(view: DataView, from: number, to: number): boolean {
  let at = from;
  while (at < to) {
    if (at + 4 > to) return false;
    const type = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (length < 4 || at + length > to) return false;
    at += length;
    if (type === 0) return true;
  }
  return at === to;
}

function suffixSizeValid(view: DataView, crcAt: number, headerEnd: number): number | null {
  const size = view.getUint16(crcAt - 2, true);
  if (size === 36 || size === 40) return size;
  if (size > 40 && size !== 0xffff && crcAt - size >= headerEnd && suffixExtensionsValid(view, crcAt - size, crcAt - 36)) return size;
  return null;
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/**
 * Our own reading of the module format (firmware-modules.md §1–3). binary-version-reader is used in tests as
 * the independent cross-check; it does not verify the SHA-256, computes the CRC over the whole file (wrong
 * for images padded past their end address) and throws on old bootloaders whose suffix is not populated.
 */
export function parseModule(fileName: string, input: Uint8Array): ParsedModule {
  const data = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (data.length < PREFIX_SIZE + MIN_SUFFIX_SIZE + CRC_SIZE) {
    throw new RescueError('FIRMWARE_INVALID', `${fileName} is only ${data.length} bytes: too short to be a firmware module.`, FIX_REDOWNLOAD, {
      fileName,
    });
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const { prefix, offset } = findPrefix(fileName, data, view);

  const moduleLength = prefix.end - prefix.start;
  if (prefix.flags & FLAG.prefixExtensions && !prefixExtensionsValid(view, offset + PREFIX_SIZE, moduleLength)) {
    throw new RescueError('FIRMWARE_INVALID', `${fileName} says it has header extensions, but they are damaged.`, FIX_REDOWNLOAD, { fileName });
  }
  let image = data.subarray(0, moduleLength + CRC_SIZE);
  let crcCoverage: ParsedModule['crcCoverage'] = 'module';
  let stored = view.getUint32(moduleLength, false);
  let computed = crc32(data.subarray(0, moduleLength));
  if (stored !== computed && data.length > image.length) {
    const wholeStored = view.getUint32(data.length - CRC_SIZE, false);
    const wholeComputed = crc32(data.subarray(0, data.length - CRC_SIZE));
    if (wholeStored === wholeComputed) {
      image = data;
      crcCoverage = 'whole-file';
      stored = wholeStored;
      computed = wholeComputed;
    }
  }

  const crcAt = image.length - CRC_SIZE;
  const imageView = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const suffixSize = suffixSizeValid(imageView, crcAt, offset + PREFIX_SIZE);
  let sha256Ok: boolean | null = null;
  let hash = sha256(image.subarray(0, crcAt));
  let productId: number | null = null;
  let productVersion: number | null = null;
  if (suffixSize !== null) {
    hash = sha256(image.subarray(0, crcAt - 34));
    sha256Ok = Buffer.from(image.subarray(crcAt - 34, crcAt - 2)).equals(hash);
    if (suffixSize >= 40) {
      productId = imageView.getUint16(crcAt - 40, true);
      productVersion = imageView.getUint16(crcAt - 38, true);
    }
  }

  const info: ModuleInfo = {
    fileName,
    function: functionFromCode(prefix.functionCode),
    index: prefix.index,
    platformId: prefix.platformId,
    version: prefix.version,
    startAddress: prefix.start,
    endAddress: prefix.end,
    size: image.length,
    flags: prefix.flags,
    dependencies: prefix.deps
      .filter((d) => d.functionCode !== 0)
      .map((d) => ({ function: functionFromCode(d.functionCode), index: d.index, version: d.version })),
    crcOk: stored === computed,
    sha256Ok,
    sha256: hash.toString('hex'),
    productId,
    productVersion,
    crcCoverage,
  };
  return { info, image, prefixOffset: offset, crcCoverage, crc: { stored, computed } };
}
