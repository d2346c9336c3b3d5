import type { CloudProfile } from '../../../shared/contract/cloud';
import type { KeyHealth } from '../../../shared/contract/keys';
import { DCT_OFFSETS, KEY_SLOTS } from '../../../shared/domain/dct-layout';
import { platformById, type CloudProtocol } from '../../../shared/domain/platforms';
import { analyzePrivateKeySlot, matchesDevicePublicKey, type PrivateKeyAnalysis } from './key-formats';
import { formatAddress } from './server-address';
import { analyzeServerKeySlot, profileTarget, serverKeyProblem, type ServerKeyAnalysis, type ServerTarget } from './server-key';

export interface KeyAssessment {
  health: KeyHealth;
  privateKey: PrivateKeyAnalysis;
  serverKey: ServerKeyAnalysis;
  serverTarget: ServerTarget;
  /** The private key must be replaced (blank, corrupt, wrong algorithm, or refused by the cloud). */
  replaceKey: boolean;
  serverKeyWrong: boolean;
}

const ELECTRON = 10;

/** Electron picks TCP or UDP from its DCT (cloud_transport: 0xFF = UDP); every other platform is fixed. */
export function effectiveProtocol(platformId: number, dct: Uint8Array): CloudProtocol {
  if (platformId === ELECTRON) return dct[DCT_OFFSETS.cloudTransport] === 0xff ? 'udp' : 'tcp';
  const platform = platformById(platformId);
  if (!platform) throw new RangeError(`Unknown platform ${platformId}`);
  return platform.protocol;
}

export function slotOf(dct: Uint8Array, slot: { offset: number; length: number }): Uint8Array {
  return dct.subarray(slot.offset, slot.offset + slot.length);
}

export interface AssessInput {
  deviceId: string;
  platformId: number;
  dct: Uint8Array;
  profile: CloudProfile;
  cloudConnected: boolean | null;
}

/** Reads the key slots of a DCT image and judges them against the platform and the active cloud. */
export function assessKeys(input: AssessInput): KeyAssessment {
  const protocol = effectiveProtocol(input.platformId, input.dct);
  const layout = KEY_SLOTS[protocol];
  const privateKey = analyzePrivateKeySlot(slotOf(input.dct, layout.privateKey), protocol);
  const serverTarget = profileTarget(input.profile, protocol);
  const serverKey = analyzeServerKeySlot(slotOf(input.dct, layout.serverKey), protocol, serverTarget.spki);
  const matches = privateKey.state === 'valid' ? matchesDevicePublicKey(slotOf(input.dct, layout.publicKey), privateKey.publicSpki) : null;

  const problems: string[] = [];
  const notes: string[] = [];
  if (privateKey.reason) problems.push(privateKey.reason);
  const serverProblem = serverKeyProblem(serverKey, serverTarget, protocol);
  if (serverProblem) problems.push(serverProblem);
  // A valid key and the right server, yet no connection: the cloud holds another public key.
  const rejected = privateKey.state === 'valid' && !serverProblem && input.cloudConnected === false;
  if (rejected) problems.push('The device key is valid, but the device does not get onto the cloud: the cloud most likely holds a different public key for it.');
  if (matches === false) notes.push('The public key field does not match the private key yet; Device OS rewrites it on its next boot.');
  if (serverKey.state === 'blank' && !serverProblem) notes.push('The server key slot is blank: Device OS uses its built-in Particle Cloud key.');
  if (input.cloudConnected === null && !problems.length) {
    notes.push('The device was not trying to reach the cloud when checked (DFU or listening mode, no network, or old Device OS), so whether the cloud accepts its key could not be confirmed.');
  }

  const healthy = problems.length === 0;
  const summary = healthy
    ? `Keys are in order (${protocol.toUpperCase()}, server ${formatAddress(serverKey.address)}).`
    : `${problems.length} key problem${problems.length > 1 ? 's' : ''} found: ${problems[0]}`;
  const health: KeyHealth = {
    deviceId: input.deviceId,
    platformId: input.platformId,
    protocol,
    profileId: input.profile.id,
    dctReadable: true,
    protected: false,
    privateKey: { state: privateKey.state, algorithm: privateKey.algorithm, publicKeySha256: privateKey.publicKeySha256, matchesDevicePublicKey: matches },
    serverKey: { state: serverKey.state, sha256: serverKey.sha256, address: serverKey.address, matchesProfile: !serverProblem },
    cloudConnected: input.cloudConnected,
    healthy,
    summary,
    problems,
    notes,
  };
  return { health, privateKey, serverKey, serverTarget, replaceKey: privateKey.state !== 'valid' || rejected, serverKeyWrong: serverProblem !== null };
}

/** What a health check reports when the DCT could not be read: Device Protection, or no valid system part. */
export function unreadableHealth(deviceId: string, platformId: number, profileId: string, reason: { protected: boolean; message: string }): KeyHealth {
  const protocol = platformById(platformId)?.protocol ?? 'udp';
  return {
    deviceId,
    platformId,
    protocol,
    profileId,
    dctReadable: false,
    protected: reason.protected,
    privateKey: { state: 'unreadable', algorithm: null, publicKeySha256: null, matchesDevicePublicKey: null },
    serverKey: { state: 'unreadable', sha256: null, address: { kind: 'default', host: KEY_SLOTS[protocol].defaultHost, port: KEY_SLOTS[protocol].defaultPort }, matchesProfile: false },
    cloudConnected: null,
    healthy: false,
    summary: reason.message,
    problems: [reason.message],
    notes: [],
  };
}

export const PROTECTED_MESSAGE =
  'Device Protection is on: the device only accepts firmware and key changes that the Particle Cloud signs, so its keys cannot be read or written over USB.';
export const PROTECTED_FIX =
  'If this is your device, open console.particle.io → your product → the device → Device Protection, and put it into Service Mode (or disable protection for the product); then run the repair again. Otherwise ask the product owner. If the LED still blinks yellow, press RESET to restart the device.';
