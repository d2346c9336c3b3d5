import { crc32 as zlibCrc32 } from 'node:zlib';

/** Standard CRC-32 (IEEE 802.3 / zlib), as the device's bootloader checks its modules. */
export function crc32(data: Uint8Array): number {
  return zlibCrc32(data) >>> 0;
}
