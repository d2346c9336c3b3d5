import type { CloudProfile } from '../../../shared/contract/cloud';
import type { KeyHealth, KeyQuestion, KeyVerdictValue } from '../../../shared/contract/keys';
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
  /** Where cloudConnected comes from: the device's cloud status watched over USB, or the LED the user picked. */
  cloudEvidence?: CloudEvidenceSource;
  /** Why the cloud link could not be watched (e.g. "the device is in DFU mode"), for the unknown verdict. */
  unknownWhy?: string;
}

export type CloudEvidenceSource = 'cloud-probe' | 'led';

const NOT_WATCHED = 'the device was not trying to reach the cloud when checked (DFU or listening mode, no network, or old Device OS)';

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
  if (rejected) {
    problems.push(
      input.cloudEvidence === 'led'
        ? 'The device key is valid, but the LED you picked (blinking cyan with red/orange bursts) means the cloud refuses it: the cloud most likely holds a different public key for it.'
        : 'The device key is valid, but the device does not get onto the cloud: the cloud most likely holds a different public key for it.',
    );
  }
  if (matches === false) notes.push('The public key field does not match the private key yet; Device OS rewrites it on its next boot.');
  if (serverKey.state === 'blank' && !serverProblem) notes.push('The server key slot is blank: Device OS uses its built-in Particle Cloud key.');

  const questions = keyQuestions(privateKey.reason, serverProblem, rejected, input);
  const verdict: KeyVerdictValue = problems.length > 0 ? 'bad' : input.cloudConnected === true ? 'good' : 'unknown';
  const healthy = verdict === 'good';
  const why = input.unknownWhy ?? NOT_WATCHED;
  const summary =
    verdict === 'good'
      ? `Keys are in order (${protocol.toUpperCase()}, server ${formatAddress(serverKey.address)}): the device reached the cloud with them.`
      : verdict === 'unknown'
        ? `The key slots look intact (${protocol.toUpperCase()}, server ${formatAddress(serverKey.address)}), but whether the cloud accepts the device key is unknown: ${why}. Not confirmed healthy.`
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
    verdict,
    questions,
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
    verdict: 'unknown',
    questions: [{ question: 'device-key', verdict: 'unknown', source: 'none', evidence: reason.message }],
    summary: reason.message,
    problems: [reason.message],
    notes: [],
  };
}

export const PROTECTED_MESSAGE =
  'Device Protection is on: the device only accepts firmware and key changes that the Particle Cloud signs, so its keys cannot be read or written over USB.';
export const PROTECTED_FIX =
  'If this is your device, open console.particle.io → your product → the device → Device Protection, and put it into Service Mode (or disable protection for the product); then run the repair again. Otherwise ask the product owner. If the LED still blinks yellow, press RESET to restart the device.';

function keyQuestions(privateProblem: string | null, serverProblem: string | null, rejected: boolean, input: AssessInput): KeyQuestion[] {
  const dct = (problem: string | null, ok: string): Pick<KeyQuestion, 'verdict' | 'source' | 'evidence'> =>
    problem ? { verdict: 'bad', source: 'dct', evidence: problem } : { verdict: 'good', source: 'dct', evidence: ok };
  const source = input.cloudEvidence ?? 'cloud-probe';
  let cloud: Pick<KeyQuestion, 'verdict' | 'source' | 'evidence'>;
  if (privateProblem) cloud = { verdict: 'bad', source: 'dct', evidence: 'The device has no usable key, so the cloud cannot accept it.' };
  else if (rejected) {
    cloud = {
      verdict: 'bad',
      source,
      evidence: source === 'led' ? 'You saw blinking cyan with red/orange bursts: the handshake fails.' : 'The device kept trying to reach the cloud and never got on.',
    };
  } else if (input.cloudConnected === true) cloud = { verdict: 'good', source: 'cloud-probe', evidence: 'The device reported a cloud connection (breathing cyan).' };
  else if (serverProblem) cloud = { verdict: 'unknown', source: 'none', evidence: 'The server key is wrong, so the device cannot show whether its own key is accepted.' };
  else cloud = { verdict: 'unknown', source: 'none', evidence: `Not checked: ${input.unknownWhy ?? NOT_WATCHED}.` };
  return [
    { question: 'device-key', ...dct(privateProblem, 'The key slot holds a valid key of the type the platform needs.') },
    { question: 'server-key', ...dct(serverProblem, "The server key and address lead to the active cloud profile's server.") },
    { question: 'cloud-accepts-key', ...cloud },
  ];
}
