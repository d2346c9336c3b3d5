import { createECDH, createPrivateKey, createPublicKey } from 'node:crypto';
import forge from 'node-forge';
import type { CloudProtocol } from '../../../shared/domain/platforms';
import { SeededRandom } from '../util/prng';

export interface LabKeyPair {
  /** DER in the format the firmware expects: PKCS#1 RSAPrivateKey (TCP) or SEC1 ECPrivateKey (UDP). */
  privateDer: Uint8Array;
  /** DER SubjectPublicKeyInfo, what the cloud holds. */
  publicSpki: Uint8Array;
}

const cache = new Map<string, LabKeyPair>();

/**
 * Deterministic key pairs: scenarios must start from the same state every time, and node:crypto key
 * generation cannot be seeded, so RSA goes through node-forge with a seeded PRNG and EC derives the
 * public point from a seeded scalar.
 */
export function labKeyPair(kind: 'rsa-1024' | 'rsa-2048' | 'ec-p256', seed: number): LabKeyPair {
  const cacheKey = `${kind}:${seed}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const pair = kind === 'ec-p256' ? ecPair(seed) : rsaPair(kind === 'rsa-1024' ? 1024 : 2048, seed);
  cache.set(cacheKey, pair);
  return pair;
}

export function deviceKeyKind(protocol: CloudProtocol): 'rsa-1024' | 'ec-p256' {
  return protocol === 'tcp' ? 'rsa-1024' : 'ec-p256';
}

export function serverKeyKind(protocol: CloudProtocol): 'rsa-2048' | 'ec-p256' {
  return protocol === 'tcp' ? 'rsa-2048' : 'ec-p256';
}

function rsaPair(bits: number, seed: number): LabKeyPair {
  const random = new SeededRandom(seed);
  const prng = { getBytesSync: (n: number) => String.fromCharCode(...random.bytes(n)) };
  const pair = forge.pki.rsa.generateKeyPair({ bits, e: 0x10001, prng, workers: -1 } as forge.pki.rsa.GenerateKeyPairOptions);
  const der = forge.asn1.toDer(forge.pki.privateKeyToAsn1(pair.privateKey)).getBytes();
  const privateDer = Uint8Array.from(Buffer.from(der, 'binary'));
  return { privateDer, publicSpki: publicSpkiFromPrivate('tcp', privateDer)! };
}

function ecPair(seed: number): LabKeyPair {
  const random = new SeededRandom(seed);
  const ecdh = createECDH('prime256v1');
  // A scalar from the seed; the top byte kept below 0xff stays under the curve order.
  const scalar = random.bytes(32);
  scalar[0] = scalar[0] % 0xfe || 1;
  ecdh.setPrivateKey(Buffer.from(scalar));
  const point = ecdh.getPublicKey();
  const key = createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: Buffer.from(scalar).toString('base64url'),
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const privateDer = Uint8Array.from(key.export({ type: 'sec1', format: 'der' }));
  return { privateDer, publicSpki: Uint8Array.from(createPublicKey(key).export({ type: 'spki', format: 'der' })) };
}

/** What the firmware does on every key fetch: derive the public key from the stored private key. */
export function publicSpkiFromPrivate(protocol: CloudProtocol, privateDer: Uint8Array): Uint8Array | null {
  // TCP: the Gen 2 handshake walks fixed positions of a PKCS#1 key, so only PKCS#1 RSA-1024 works.
  // UDP: mbedTLS's generic parser takes SEC1 and PKCS#8 alike, but only P-256 keys.
  if (protocol === 'tcp' && !looksLikePkcs1(privateDer)) return null;
  const types = protocol === 'tcp' ? (['pkcs1'] as const) : (['sec1', 'pkcs8'] as const);
  for (const type of types) {
    try {
      const key = createPrivateKey({ key: Buffer.from(privateDer), format: 'der', type });
      const details = key.asymmetricKeyDetails;
      if (protocol === 'tcp' ? details?.modulusLength !== 1024 || details.publicExponent !== 65537n : details?.namedCurve !== 'prime256v1') return null;
      return Uint8Array.from(createPublicKey(key).export({ type: 'spki', format: 'der' }));
    } catch {
      // try the next encoding
    }
  }
  return null;
}

/** SEQUENCE, INTEGER 0 (version), then directly the modulus INTEGER; PKCS#8 has an AlgorithmIdentifier there. */
function looksLikePkcs1(der: Uint8Array): boolean {
  return der[0] === 0x30 && der[1] === 0x82 && der[4] === 0x02 && der[5] === 0x01 && der[6] === 0x00 && der[7] === 0x02;
}

/**
 * Stand-in for the production server key compiled into Device OS (used when the server-key slot is
 * blank). The genuine key is Particle's; the lab only needs a value no virtual cloud will accept.
 */
export function builtInServerKey(protocol: CloudProtocol): Uint8Array {
  return new TextEncoder().encode(`built-in Particle production ${protocol} server key`);
}
