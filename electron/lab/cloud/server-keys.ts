import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { CloudProtocol } from '../../../shared/domain/platforms';

export interface ServerKeyPair {
  /** SPKI DER of the public key, as a DCT server key slot starts with. */
  publicKeySpki: Buffer;
  privateKey: KeyObject;
}

/** A fresh server identity: RSA-2048 for TCP (Gen 2) and EC P-256 for UDP, like the real cloud's. */
export function generateServerKeys(): Record<CloudProtocol, ServerKeyPair> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    tcp: { publicKeySpki: rsa.publicKey.export({ format: 'der', type: 'spki' }), privateKey: rsa.privateKey },
    udp: { publicKeySpki: ec.publicKey.export({ format: 'der', type: 'spki' }), privateKey: ec.privateKey },
  };
}
