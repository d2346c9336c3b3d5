import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { CloudProtocol } from '../../../shared/domain/platforms';
import { derPrefix, isBlank } from './der';

export type PrivateKeyState = 'blank' | 'corrupt' | 'valid' | 'wrong-algorithm';
export type KeyAlgorithm = 'rsa-1024' | 'ec-p256' | 'other';

export interface PrivateKeyAnalysis {
  state: PrivateKeyState;
  algorithm: KeyAlgorithm | null;
  /** The key itself (DER, without the slot's 0xFF fill) when it parses. */
  keyDer: Uint8Array | null;
  /** Public key derived from the private key, SPKI DER. */
  publicSpki: Uint8Array | null;
  publicKeySha256: string | null;
  /** Why the slot is not usable, in words; null when valid. */
  reason: string | null;
}

export const PROTOCOL_ALGORITHM: Record<CloudProtocol, KeyAlgorithm> = { tcp: 'rsa-1024', udp: 'ec-p256' };

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function tryPrivateKey(der: Uint8Array, type: 'pkcs1' | 'sec1' | 'pkcs8'): KeyObject | null {
  try {
    return createPrivateKey({ key: Buffer.from(der), format: 'der', type });
  } catch {
    return null;
  }
}

/** PKCS#8 PrivateKeyInfo: version INTEGER followed by an AlgorithmIdentifier SEQUENCE. */
function isPkcs8(der: Uint8Array): boolean {
  const header = der[1] < 0x80 ? 2 : 2 + (der[1] & 0x7f);
  return der[header] === 0x02 && der[header + 1] === 0x01 && der[header + 3] === 0x30;
}

function algorithmOf(key: KeyObject): KeyAlgorithm {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && details?.modulusLength === 1024 && details.publicExponent === 65537n) return 'rsa-1024';
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'ec-p256';
  return 'other';
}

export function spkiOf(key: KeyObject): Uint8Array {
  return new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
}

function describe(key: KeyObject): string {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') return `RSA-${d?.modulusLength ?? '?'} (e=${d?.publicExponent ?? '?'})`;
  if (key.asymmetricKeyType === 'ec') return `EC ${d?.namedCurve ?? '?'}`;
  return key.asymmetricKeyType ?? 'unknown';
}

/**
 * Judges a device private-key slot the way the firmware will use it: TCP needs PKCS#1 RSA-1024 with
 * e=65537 (the Gen 2 handshake walks fixed offsets), UDP needs SEC1 EC P-256 (dct-and-keys.md §3).
 */
export function analyzePrivateKeySlot(slot: Uint8Array, protocol: CloudProtocol): PrivateKeyAnalysis {
  const none = { keyDer: null, publicSpki: null, publicKeySha256: null };
  if (isBlank(slot)) return { state: 'blank', algorithm: null, ...none, reason: 'The key slot is blank (erased): the device makes its own key on boot, which the cloud does not know.' };
  const der = derPrefix(slot);
  if (!der) return { state: 'corrupt', algorithm: null, ...none, reason: truncatedPkcs8Reason(slot, protocol) ?? 'The key slot does not hold a readable key (not DER, or longer than the slot).' };
  const expected = PROTOCOL_ALGORITHM[protocol];
  // Node's decoder accepts a PKCS#8 wrapper under either type, so tell the layouts apart ourselves.
  const native = isPkcs8(der) ? null : (tryPrivateKey(der, 'pkcs1') ?? tryPrivateKey(der, 'sec1'));
  if (!native) {
    const wrapped = tryPrivateKey(der, 'pkcs8');
    const reason = wrapped
      ? `The key slot holds a PKCS#8-wrapped ${describe(wrapped)} key; the firmware needs ${expected === 'rsa-1024' ? 'PKCS#1' : 'SEC1'}.`
      : 'The key slot holds bytes that are not a private key.';
    return { state: 'corrupt', algorithm: null, ...none, reason };
  }
  const algorithm = algorithmOf(native);
  const publicSpki = spkiOf(native);
  const parsed = { keyDer: der, publicSpki, publicKeySha256: sha256Hex(publicSpki) };
  if (algorithm !== expected) {
    const want = expected === 'rsa-1024' ? 'RSA-1024 (TCP)' : 'EC P-256 (UDP)';
    return { state: 'wrong-algorithm', algorithm, ...parsed, reason: `The key is ${describe(native)}, but this device's cloud protocol needs ${want}.` };
  }
  return { state: 'valid', algorithm, ...parsed, reason: null };
}

/** Parses a public key in SPKI or PKCS#1 DER (padded field allowed) and returns its SPKI DER. */
export function publicSpkiFromDer(field: Uint8Array): Uint8Array | null {
  const der = derPrefix(field);
  if (!der) return null;
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return new Uint8Array(createPublicKey({ key: Buffer.from(der), format: 'der', type }).export({ type: 'spki', format: 'der' }));
    } catch {
      // try the next encoding
    }
  }
  return null;
}

/**
 * Compares the firmware-maintained public key field with the key derived from the private key.
 * null when the field is blank (the firmware fills it on the next key fetch).
 */
export function matchesDevicePublicKey(field: Uint8Array, derivedSpki: Uint8Array | null): boolean | null {
  if (isBlank(field)) return null;
  if (!derivedSpki) return false;
  const stored = publicSpkiFromDer(field);
  return stored !== null && bytesEqual(stored, derivedSpki);
}

export function spkiToPem(spki: Uint8Array): string {
  return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
}

/** SPKI DER of a public key given as PEM text or DER bytes; null when it is not a public key. */
export function spkiFromAny(data: Uint8Array): Uint8Array | null {
  const text = Buffer.from(data).toString('latin1');
  if (text.includes('-----BEGIN')) {
    try {
      return new Uint8Array(createPublicKey(text).export({ type: 'spki', format: 'der' }));
    } catch {
      return null;
    }
  }
  return publicSpkiFromDer(data);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

/** PKCS#8 PrivateKeyInfo header after the outer SEQUENCE: version 0, AlgorithmIdentifier with rsaEncryption / id-ecPublicKey. */
const PKCS8_RSA = [0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const PKCS8_EC = [0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

/**
 * A PKCS#8-wrapped key (as OpenSSL 3 writes RSA keys: 634–640 bytes) does not fit the 612-byte TCP
 * slot, so it arrives cut off. Names it, with the fix, instead of "not DER".
 */
function truncatedPkcs8Reason(slot: Uint8Array, protocol: CloudProtocol): string | null {
  if (slot.length < 4 || slot[0] !== 0x30 || slot[1] !== 0x82) return null;
  const declared = 4 + ((slot[2] << 8) | slot[3]);
  const startsWith = (header: number[]): boolean => header.every((b, i) => slot[4 + i] === b);
  const kind = startsWith(PKCS8_RSA) ? 'RSA' : startsWith(PKCS8_EC) ? 'EC' : null;
  if (!kind || declared <= slot.length) return null;
  const want = protocol === 'tcp' ? 'PKCS#1 (openssl rsa -in key.pem -traditional -outform DER)' : 'SEC1 (openssl ec -in key.pem -outform DER)';
  return (
    `The key slot holds the start of a PKCS#8-wrapped ${kind} key of ${declared} bytes (as OpenSSL 3 writes it), which is longer than the ${slot.length}-byte slot, so it was cut off. ` +
    `The firmware needs ${want}; let the repair write a new key, or convert yours and write it again.`
  );
}
