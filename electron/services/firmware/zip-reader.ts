import { inflateRawSync } from 'node:zlib';
import { RescueError } from '../../../shared/errors';
import { crc32 } from './crc32';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const MAX_ENTRIES = 256;
/** Device OS releases are a few MB; anything past this is not a firmware archive (or a zip bomb). */
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

export function isZip(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
}

function invalid(archive: string, why: string, fix = 'Download the release archive again, or unzip it and choose the .bin files.'): RescueError {
  return new RescueError('FIRMWARE_INVALID', `${archive}: ${why}`, fix, { fileName: archive });
}

function findEndOfCentralDirectory(archive: string, view: DataView): number {
  const earliest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= earliest; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) return at;
  }
  throw invalid(archive, 'not a readable zip archive (no central directory).');
}

/**
 * Reads the entries of a zip archive (stored or deflated) via its central directory. Only what Device OS
 * release archives use: no zip64, no encryption, no other compression methods.
 */
export function readZip(archive: string, input: Uint8Array): ZipEntry[] {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  if (input.length < 22) throw invalid(archive, 'too short to be a zip archive.');
  const eocd = findEndOfCentralDirectory(archive, view);
  const count = view.getUint16(eocd + 10, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) throw invalid(archive, 'uses zip64, which is not supported.', 'Unzip it and choose the .bin files.');
  if (count > MAX_ENTRIES) throw invalid(archive, `has ${count} entries; a Device OS release has a handful.`);
  const entries: ZipEntry[] = [];
  let total = 0;
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > input.length || view.getUint32(at, true) !== CENTRAL_SIGNATURE) throw invalid(archive, 'its central directory is damaged.');
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localOffset = view.getUint32(at + 42, true);
    if (at + 46 + nameLength > input.length) throw invalid(archive, 'its central directory is damaged.');
    const name = Buffer.from(input.subarray(at + 46, at + 46 + nameLength)).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (flags & 0x1) throw invalid(archive, `${name} is encrypted.`, 'Use an unencrypted archive, or unzip it and choose the .bin files.');
    if (method !== 0 && method !== 8) {
      throw invalid(archive, `${name} uses compression method ${method}; only stored and deflate are supported.`, 'Unzip it and choose the .bin files.');
    }
    total += size;
    if (total > MAX_TOTAL_BYTES) throw invalid(archive, 'unpacks to more than 64 MB; that is not a firmware release.');
    if (localOffset + 30 > input.length || view.getUint32(localOffset, true) !== LOCAL_SIGNATURE) throw invalid(archive, `${name}: local header is damaged.`);
    const dataStart = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataStart + compressedSize > input.length) throw invalid(archive, `${name} is truncated.`);
    const raw = input.subarray(dataStart, dataStart + compressedSize);
    let data: Uint8Array;
    try {
      data = method === 0 ? raw : new Uint8Array(inflateRawSync(raw, { maxOutputLength: Math.max(1, size) }));
    } catch {
      throw invalid(archive, `${name} could not be decompressed.`);
    }
    if (data.length !== size || crc32(data) !== crc) throw invalid(archive, `${name} fails its zip CRC check.`);
    entries.push({ name, data });
  }
  return entries;
}
