import { crc32 as zlibCrc32 } from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, reflected 0xEDB88320): the checksum Particle modules and zip archives both use.
 * zlib's (Node ≥ 20.15, so also Electron 45's Node 22) is native and much faster than a table in JS.
 */
export function crc32(data: Uint8Array): number {
  return zlibCrc32(data) >>> 0;
}
