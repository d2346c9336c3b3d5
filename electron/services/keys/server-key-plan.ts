import type { ServerKeySource } from '../../../shared/contract/keys';
import { KEY_SLOTS } from '../../../shared/domain/dct-layout';
import type { CloudProtocol } from '../../../shared/domain/platforms';
import { RescueError } from '../../../shared/errors';
import type { BackupStore } from '../backups/backup-store';
import { derPrefix } from './der';
import { publicSpkiFromDer, spkiFromAny } from './key-formats';
import { assertTrustedServerKey, buildServerKeySlot, type ServerTarget } from './server-key';

export interface ServerKeyPlanInput {
  source: ServerKeySource;
  protocol: CloudProtocol;
  target: ServerTarget;
  /** Whether the health check found the slot wrong for the active profile. */
  slotWrong: boolean;
  backups: BackupStore;
}

/** The slot image the active profile wants: its key and address, or blank for Particle's built-in key. */
function profileImage(protocol: CloudProtocol, target: ServerTarget): Uint8Array {
  return buildServerKeySlot(protocol, target.spki, target.spki ? target.address : null);
}

/** A key file: a complete slot image (as particle-cli ships them), or a bare DER / PEM public key. */
function imageFromFile(data: Uint8Array, protocol: CloudProtocol, target: ServerTarget): Uint8Array {
  const slotLength = KEY_SLOTS[protocol].serverKey.length;
  const der = derPrefix(data);
  const isSlotImage = data.length === slotLength && der !== null;
  const spki = isSlotImage ? publicSpkiFromDer(der) : spkiFromAny(data);
  if (!spki) throw new RescueError('KEY_INVALID', 'The server key file does not hold a public key (DER or PEM).', 'Pick the rsa.pub.der / ec.pub.der file of the Particle CLI, or your private cloud\'s server key.');
  assertTrustedServerKey(spki, protocol, target.spki, target.name);
  if (isSlotImage) return data;
  const forProfile = target.spki !== null && Buffer.compare(Buffer.from(spki), Buffer.from(target.spki)) === 0;
  return buildServerKeySlot(protocol, spki, forProfile ? target.address : null);
}

/** The server-key slot of another device, from its newest intact DCT backup. */
async function imageFromDevice(deviceId: string, protocol: CloudProtocol, target: ServerTarget, backups: BackupStore): Promise<Uint8Array> {
  for (const backup of await backups.list(deviceId)) {
    if (backup.kind !== 'dct' || !backup.files.some((f) => f.name === 'dct.bin')) continue;
    const dct = await backups.read(backup.backupId, 'dct.bin').catch(() => null);
    if (!dct) continue;
    const slot = KEY_SLOTS[protocol].serverKey;
    const image = dct.slice(slot.offset, slot.offset + slot.length);
    const spki = derPrefix(image) ? publicSpkiFromDer(image) : null;
    if (!spki) continue;
    assertTrustedServerKey(spki, protocol, target.spki, target.name);
    return image;
  }
  throw new RescueError(
    'NOT_FOUND',
    `No backup of device ${deviceId} holds a ${protocol.toUpperCase()} server key.`,
    `Connect that healthy device and run "backup ${deviceId}" first, or choose another server key source.`,
  );
}

/**
 * Decides the server-key slot image to write, or null to leave the slot alone. Every key that comes
 * from outside the app is checked against the genuine hashes or the profile's key first.
 */
export async function planServerKeyImage(input: ServerKeyPlanInput): Promise<Uint8Array | null> {
  const { source, protocol, target } = input;
  switch (source.kind) {
    case 'keep':
      return null;
    case 'auto':
      return input.slotWrong ? profileImage(protocol, target) : null;
    case 'profile':
      return profileImage(protocol, target);
    case 'blank':
      return buildServerKeySlot(protocol, null, null);
    case 'file':
      return imageFromFile(new Uint8Array(Buffer.from(source.dataBase64, 'base64')), protocol, target);
    case 'device':
      return imageFromDevice(source.deviceId, protocol, target, input.backups);
  }
}
