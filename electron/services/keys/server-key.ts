import { GENUINE_SERVER_KEY_SHA256, KEY_SLOTS } from '../../../shared/domain/dct-layout';
import type { CloudProtocol } from '../../../shared/domain/platforms';
import type { CloudProfile } from '../../../shared/contract/cloud';
import { RescueError } from '../../../shared/errors';
import { derPrefix, isBlank } from './der';
import { bytesEqual, publicSpkiFromDer, sha256Hex } from './key-formats';
import { encodeAddressRecord, readServerAddress, type ServerAddress } from './server-address';

export type ServerKeyState = 'blank' | 'genuine' | 'profile' | 'other' | 'corrupt';

export interface ServerKeyAnalysis {
  state: ServerKeyState;
  sha256: string | null;
  spki: Uint8Array | null;
  address: ServerAddress;
}

/** What the active cloud profile wants in the server-key slot. spki null = Particle's built-in key. */
export interface ServerTarget {
  spki: Uint8Array | null;
  address: { host: string; port: number } | null;
  /** The profile's name, for messages. */
  name?: string;
}

export function profileTarget(profile: CloudProfile, protocol: CloudProtocol): ServerTarget {
  const key = profile.serverKeys[protocol];
  const address = profile.serverAddress[protocol] ?? null;
  return { spki: key ? new Uint8Array(Buffer.from(key, 'base64')) : null, address, name: profile.name };
}

export function isGenuine(spki: Uint8Array, protocol: CloudProtocol): boolean {
  return sha256Hex(spki) === GENUINE_SERVER_KEY_SHA256[protocol];
}

export function analyzeServerKeySlot(slot: Uint8Array, protocol: CloudProtocol, profileSpki: Uint8Array | null): ServerKeyAnalysis {
  const address = readServerAddress(slot, protocol);
  if (isBlank(slot)) return { state: 'blank', sha256: null, spki: null, address };
  const der = derPrefix(slot);
  const spki = der ? publicSpkiFromDer(der) : null;
  if (!spki) return { state: 'corrupt', sha256: null, spki: null, address };
  const sha256 = sha256Hex(spki);
  if (profileSpki && bytesEqual(spki, profileSpki)) return { state: 'profile', sha256, spki, address };
  if (isGenuine(spki, protocol)) return { state: 'genuine', sha256, spki, address };
  return { state: 'other', sha256, spki, address };
}

const PARTICLE_HOST = /(^|\.)(particle\.io|spark\.io)$/;

/** Why the server-key slot will not reach the profile's cloud, or null when it will. */
export function serverKeyProblem(analysis: ServerKeyAnalysis, target: ServerTarget, protocol: CloudProtocol): string | null {
  const { state, address } = analysis;
  if (state === 'corrupt') return 'The server key slot is corrupt: the device cannot verify the cloud it talks to.';
  if (target.spki) {
    if (state !== 'profile') {
      return state === 'blank' || state === 'genuine'
        ? 'The device trusts the Particle Cloud, but the active cloud profile is a different server.'
        : `The device trusts another server (${address.host}:${address.port}), not the active cloud profile's.`;
    }
    if (target.address && (address.host !== target.address.host || address.port !== target.address.port)) {
      return `The server address is ${address.host}:${address.port}; the active profile uses ${target.address.host}:${target.address.port}.`;
    }
    return null;
  }
  if (state === 'other') return `The device trusts another server (${address.host}:${address.port}), not the Particle Cloud.`;
  if (address.kind !== 'default' && !PARTICLE_HOST.test(address.host)) {
    return `The server address points to ${address.host}:${address.port}, not the Particle Cloud.`;
  }
  if (address.port !== KEY_SLOTS[protocol].defaultPort) return `The server port is ${address.port}; the Particle Cloud uses ${KEY_SLOTS[protocol].defaultPort}.`;
  return null;
}

/**
 * Refuses any server key that does not belong to the active cloud profile: a private profile accepts
 * only its own key, the Particle profile only the genuine Particle keys. A wrong key here silently hands
 * the device to another server (a genuine Particle key under a private profile included).
 */
export function assertTrustedServerKey(spki: Uint8Array, protocol: CloudProtocol, profileSpki: Uint8Array | null, profileName = 'the active cloud profile'): void {
  const genuine = isGenuine(spki, protocol);
  const fingerprint = `SHA-256 ${sha256Hex(spki).slice(0, 16)}…`;
  if (profileSpki === null) {
    if (genuine) return;
    throw new RescueError(
      'SERVER_KEY_UNTRUSTED',
      `This server key (${fingerprint}) is not a genuine Particle Cloud ${protocol.toUpperCase()} key, and the active cloud profile "${profileName}" is the Particle Cloud.`,
      'Use the key file shipped with the Particle CLI (assets/keys), choose "blank" to let Device OS use its built-in key, or add the server to a cloud profile and make it active first.',
    );
  }
  if (bytesEqual(spki, profileSpki)) return;
  throw new RescueError(
    'SERVER_KEY_UNTRUSTED',
    genuine
      ? `This is the genuine Particle Cloud ${protocol.toUpperCase()} server key, but the active cloud profile is "${profileName}", another server: the device would talk to the Particle Cloud, not to "${profileName}".`
      : `This server key (${fingerprint}) belongs neither to the active cloud profile "${profileName}" nor to the Particle Cloud.`,
    `Use "${profileName}"'s own server key (server key source "profile"), or make the Particle Cloud profile active first if the device belongs there.`,
  );
}

/**
 * Builds a whole server-key slot: key DER, 0xFF fill, address record and big-endian port.
 * spki null = blank slot (the firmware then uses its built-in Particle key and default address).
 */
export function buildServerKeySlot(protocol: CloudProtocol, spki: Uint8Array | null, address: { host: string; port?: number } | null): Uint8Array {
  const layout = KEY_SLOTS[protocol];
  const slot = new Uint8Array(layout.serverKey.length).fill(0xff);
  if (!spki) return slot;
  if (spki.length > layout.addressOffsetInSlot) throw new RangeError(`A ${spki.length}-byte server key does not fit the ${protocol.toUpperCase()} slot.`);
  slot.set(spki, 0);
  if (address) {
    slot.set(encodeAddressRecord(address.host), layout.addressOffsetInSlot);
    if (address.port !== undefined) slot.set([address.port >> 8, address.port & 0xff], layout.portOffsetInSlot);
  }
  return slot;
}
