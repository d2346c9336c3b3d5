import { DCT_OFFSETS, DCT_SIZE, KEY_SLOTS } from '../../../shared/domain/dct-layout';
import { RescueError } from '../../../shared/errors';
import type { OperationContext } from '../operations/operation-runner';
import { writeDctVerified } from './dfu-access';
import { bytesEqual } from './key-formats';
import { effectiveProtocol } from './key-health';
import type { KeyDfuSession } from './ports';

interface Region {
  name: string;
  offset: number;
  length: number;
}

const ELECTRON = 10;
/** claim_code (63 bytes) and the claimed flag right after it. */
const CLAIM = { offset: DCT_OFFSETS.claimCode, length: DCT_OFFSETS.claimed + 1 - DCT_OFFSETS.claimCode };

/**
 * The parts of a DCT that are safe to put back. Never system_flags, ota_update_flag or flash_modules:
 * replaying boot-control state makes the bootloader redo old work (dct-and-keys.md §10.3).
 */
export function restorableRegions(platformId: number, image: Uint8Array): Region[] {
  const protocol = effectiveProtocol(platformId, image);
  const layout = KEY_SLOTS[protocol];
  const regions: Region[] = [
    { name: 'private-key', ...layout.privateKey },
    { name: 'server-key', ...layout.serverKey },
    { name: 'claim-code', ...CLAIM },
  ];
  // Electron's key slots only make sense together with the transport they belong to.
  if (platformId === ELECTRON) regions.push({ name: 'cloud-transport', offset: DCT_OFFSETS.cloudTransport, length: 1 });
  return regions;
}

/** Writes the regions that differ (one block each, few writes: every DCT write rewrites a sector on Gen 2). */
export async function restoreDctBackup(session: KeyDfuSession, image: Uint8Array, current: Uint8Array, platformId: number, ctx: OperationContext): Promise<string[]> {
  if (image.length !== DCT_SIZE) {
    throw new RescueError('BACKUP_CORRUPT', `The DCT image in the backup is ${image.length} bytes, not ${DCT_SIZE}.`, 'Use another backup.');
  }
  const written: string[] = [];
  for (const region of restorableRegions(platformId, image)) {
    const want = image.subarray(region.offset, region.offset + region.length);
    if (bytesEqual(want, current.subarray(region.offset, region.offset + region.length))) continue;
    await writeDctVerified(session, region.offset, want.slice(), region.name.replace('-', ' '), ctx);
    written.push(region.name);
  }
  return written;
}
