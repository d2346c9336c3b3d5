import { LAB_DCT_FIELDS as DCT_OFFSETS, LAB_KEY_TABLE as KEY_SLOTS } from '../dct/dct-table';
import type { CloudProtocol } from '../../../shared/domain/platforms';
import type { VirtualCloudLike } from '../cloud-link';
import { readDerSlot, resolveServerAddress } from '../dct/dct-image';
import type { DctStore } from '../dct/dct-store';
import { builtInServerKey, deviceKeyKind, labKeyPair, publicSpkiFromPrivate } from '../keys/lab-keys';
import type { LedPatternId } from './led-catalogue';

/**
 * The transport the firmware uses: fixed per platform, except the Electron, where the DCT's
 * cloud_transport byte (2977) selects TCP when it is anything but 0xFF (dct-and-keys.md §4).
 */
export function cloudProtocolOf(platformId: number, defaultProtocol: CloudProtocol, dct: DctStore): CloudProtocol {
  if (platformId !== 10) return defaultProtocol;
  return dct.read(DCT_OFFSETS.cloudTransport, 1)[0] === 0xff ? 'udp' : 'tcp';
}

export type CloudOutcome = 'online' | 'no-cloud' | 'unreachable' | 'device-key-mismatch' | 'server-key-mismatch' | 'unknown-device';

export interface CloudAttempt {
  outcome: CloudOutcome;
  led: LedPatternId;
  log: { category: string; level: 'INFO' | 'WARN' | 'ERROR'; message: string }[];
}

export interface CloudSessionInput {
  deviceId: string;
  platformId: number;
  protocol: CloudProtocol;
  majorVersion: number;
  dct: DctStore;
  cloud: VirtualCloudLike | undefined;
  /** Seed for a key the firmware generates when the private-key slot is blank. */
  keygenSeed: number;
}

/**
 * The firmware's key handling before a handshake (dct-and-keys.md §1.2, §1.3): generate a key for a
 * blank private-key slot, keep the public-key field in step, fall back to the built-in server key and
 * address, then try the cloud. LED bursts follow led-status.md §4.3.
 */
export function attemptCloudConnection(input: CloudSessionInput): CloudAttempt {
  const log: CloudAttempt['log'] = [];
  const slots = KEY_SLOTS[input.protocol];
  const { dct } = input;
  const window = dct.read(0, 8391);
  let privateDer: Uint8Array | null;
  if (window[slots.privateKey.offset] === 0xff) {
    privateDer = labKeyPair(deviceKeyKind(input.protocol), input.keygenSeed).privateDer;
    dct.write(slots.privateKey.offset, privateDer);
    log.push({ category: 'system', level: 'WARN', message: `Device key slot is blank: generated a new ${input.protocol === 'tcp' ? 'RSA' : 'EC'} device key` });
  } else privateDer = readDerSlot(window, slots.privateKey.offset, slots.privateKey.length);
  const publicSpki = privateDer ? publicSpkiFromPrivate(input.protocol, privateDer) : null;
  if (publicSpki) {
    const stored = dct.read(slots.publicKey.offset, publicSpki.length);
    if (!stored.every((b, i) => b === publicSpki[i])) dct.write(slots.publicKey.offset, publicSpki);
  }

  const serverSlot = window.subarray(slots.serverKey.offset, slots.serverKey.offset + slots.serverKey.length);
  const serverKey =
    serverSlot[0] === 0xff ? builtInServerKey(input.protocol) : (readDerSlot(window, slots.serverKey.offset, slots.addressOffsetInSlot) ?? serverSlot.slice(0, slots.addressOffsetInSlot));
  const address = resolveServerAddress(window, input.protocol, input.deviceId, input.majorVersion);
  log.push({ category: 'system', level: 'INFO', message: `Cloud: connecting to ${address.host}:${address.port} (${input.protocol.toUpperCase()})` });

  const cloud = input.cloud;
  const reachable = cloud && sameAddress(address, cloud.serverAddress(input.protocol));
  if (!cloud || !reachable) {
    log.push({ category: 'comm.protocol', level: 'ERROR', message: `Cloud socket connection to ${address.host}:${address.port} failed` });
    log.push({ category: 'system', level: 'WARN', message: 'Internet test OK, Particle cloud not reachable' });
    return { outcome: cloud ? 'unreachable' : 'no-cloud', led: 'cyan-orange-burst-3', log };
  }
  if (!publicSpki) {
    log.push({ category: 'comm.protocol.handshake', level: 'ERROR', message: 'Device private key could not be parsed' });
    return { outcome: 'device-key-mismatch', led: 'cyan-red-burst', log };
  }
  const result = cloud.handshake(input.deviceId, input.protocol, publicSpki, serverKey, address.host);
  if (result === 'ok') {
    cloud.setOnline(input.deviceId, true);
    log.push({ category: 'comm.protocol.handshake', level: 'INFO', message: 'Handshake completed' });
    log.push({ category: 'system', level: 'INFO', message: 'Cloud connected' });
    return { outcome: 'online', led: 'breathing-cyan', log };
  }
  const led: LedPatternId = result === 'server-key-mismatch' ? 'cyan-magenta-burst' : 'cyan-red-burst';
  log.push({ category: 'comm.protocol.handshake', level: 'ERROR', message: `Handshake failed: ${result}` });
  log.push({ category: 'system', level: 'WARN', message: 'Cloud handshake failed, retrying' });
  return { outcome: result, led, log };
}

function sameAddress(a: { host: string; port: number }, b: { host: string; port: number }): boolean {
  const norm = (h: string) => (h === 'localhost' ? '127.0.0.1' : h);
  return norm(a.host) === norm(b.host) && a.port === b.port;
}
