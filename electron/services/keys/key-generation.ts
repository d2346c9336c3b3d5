import { generateKeyPair as nodeGenerateKeyPair, createPrivateKey } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import type { CloudProtocol } from '../../../shared/domain/platforms';
import { KEY_SLOTS } from '../../../shared/domain/dct-layout';
import { RescueError } from '../../../shared/errors';
import { sha256Hex, spkiOf, spkiToPem, type KeyAlgorithm } from './key-formats';

export interface DeviceKey {
  algorithm: Exclude<KeyAlgorithm, 'other'>;
  /** What goes into the DCT slot: PKCS#1 (RSA) or SEC1 (EC) DER, no padding. */
  privateKeyDer: Uint8Array;
  publicKeySpki: Uint8Array;
  publicKeyPem: string;
  publicKeySha256: string;
}

const generateEc = promisify(nodeGenerateKeyPair);

/**
 * RSA-1024 e=65537 as PKCS#1 DER. node-forge hands the work to Node's native generator when it is
 * available (no pure-JS prime search, no OpenSSL process) and we re-encode its result as PKCS#1,
 * the only layout the Gen 2 handshake understands.
 */
export function generateRsa1024(): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 }, (error, pair) => {
      if (error) return reject(error);
      const der = forge.asn1.toDer(forge.pki.privateKeyToAsn1(pair.privateKey)).getBytes();
      resolve(new Uint8Array(Buffer.from(der, 'binary')));
    });
  });
}

export async function generateEcP256(): Promise<Uint8Array> {
  const pair = await generateEc('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'sec1', format: 'der' },
  });
  return new Uint8Array(pair.privateKey);
}

/** Builds the DeviceKey record for an existing private key (generated, or restored from a backup). */
export function describeDeviceKey(privateKeyDer: Uint8Array, protocol: CloudProtocol): DeviceKey {
  const type = protocol === 'tcp' ? 'pkcs1' : 'sec1';
  const key = createPrivateKey({ key: Buffer.from(privateKeyDer), format: 'der', type });
  const publicKeySpki = spkiOf(key);
  return {
    algorithm: protocol === 'tcp' ? 'rsa-1024' : 'ec-p256',
    privateKeyDer,
    publicKeySpki,
    publicKeyPem: spkiToPem(publicKeySpki),
    publicKeySha256: sha256Hex(publicKeySpki),
  };
}

export async function generateDeviceKey(protocol: CloudProtocol): Promise<DeviceKey> {
  const der = protocol === 'tcp' ? await generateRsa1024() : await generateEcP256();
  const slotLength = KEY_SLOTS[protocol].privateKey.length;
  if (der.length > slotLength) {
    throw new RescueError('KEY_INVALID', `The new key is ${der.length} bytes, more than the ${slotLength}-byte slot.`, 'Try the repair again; a new key will be generated.');
  }
  return describeDeviceKey(der, protocol);
}
