import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KEY_SLOTS } from '../../../shared/domain/dct-layout';
import { derSequenceLength } from './der';
import { analyzePrivateKeySlot, matchesDevicePublicKey, spkiOf } from './key-formats';
import { generateDeviceKey } from './key-generation';

function padded(der: Uint8Array, length: number): Uint8Array {
  const slot = new Uint8Array(length).fill(0xff);
  slot.set(der, 0);
  return slot;
}

describe('DER extent of padded slots', () => {
  it('reads short and long length forms and rejects what does not fit', () => {
    expect(derSequenceLength(Uint8Array.from([0x30, 0x03, 1, 2, 3, 0xff]))).toBe(5);
    expect(derSequenceLength(Uint8Array.from([0x30, 0x81, 0x80, ...new Array(128).fill(0)]))).toBe(131);
    expect(derSequenceLength(Uint8Array.from([0x30, 0x82, 0x02, 0x00, 0]))).toBeNull();
    expect(derSequenceLength(Uint8Array.from([0x30, 0x80]))).toBeNull();
    expect(derSequenceLength(Uint8Array.from([0x02, 0x01, 0x00]))).toBeNull();
  });
});

describe('generated device keys', () => {
  it('RSA-1024 e=65537 PKCS#1 DER fits the 612-byte TCP slot and parses back as valid', async () => {
    const key = await generateDeviceKey('tcp');
    expect(key.privateKeyDer.length).toBeLessThanOrEqual(612);
    expect(key.privateKeyDer[0]).toBe(0x30);
    const parsed = createPrivateKey({ key: Buffer.from(key.privateKeyDer), format: 'der', type: 'pkcs1' });
    expect(parsed.asymmetricKeyDetails).toMatchObject({ modulusLength: 1024, publicExponent: 65537n });
    expect(key.publicKeySpki.length).toBe(162);
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const analysis = analyzePrivateKeySlot(padded(key.privateKeyDer, 612), 'tcp');
    expect(analysis).toMatchObject({ state: 'valid', algorithm: 'rsa-1024', publicKeySha256: key.publicKeySha256 });
  });

  it('EC P-256 SEC1 DER is 121 bytes and valid for UDP', async () => {
    const key = await generateDeviceKey('udp');
    expect(key.privateKeyDer.length).toBe(121);
    expect(Array.from(key.privateKeyDer.subarray(0, 5))).toEqual([0x30, 0x77, 0x02, 0x01, 0x01]);
    expect(key.publicKeySpki.length).toBe(91);
    expect(analyzePrivateKeySlot(padded(key.privateKeyDer, 192), 'udp').state).toBe('valid');
  });
});

describe('private key slot classification', () => {
  it('blank, corrupt, wrong algorithm, PKCS#8 wrapper', async () => {
    expect(analyzePrivateKeySlot(new Uint8Array(612).fill(0xff), 'tcp').state).toBe('blank');
    const garbage = padded(Uint8Array.from([0x30, 0x05, 1, 2, 3, 4, 5]), 612);
    expect(analyzePrivateKeySlot(garbage, 'tcp').state).toBe('corrupt');
    expect(analyzePrivateKeySlot(new Uint8Array(192), 'udp').state).toBe('corrupt');

    const ec = await generateDeviceKey('udp');
    const wrong = analyzePrivateKeySlot(padded(ec.privateKeyDer, 612), 'tcp');
    expect(wrong).toMatchObject({ state: 'wrong-algorithm', algorithm: 'ec-p256' });
    expect(wrong.reason).toMatch(/RSA-1024/);

    const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } });
    expect(analyzePrivateKeySlot(padded(rsa2048.privateKey, 1216), 'tcp')).toMatchObject({ state: 'wrong-algorithm', algorithm: 'other' });

    const pkcs8 = generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'pkcs8', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } });
    const wrapped = analyzePrivateKeySlot(padded(pkcs8.privateKey, 192), 'udp');
    expect(wrapped.state).toBe('corrupt');
    expect(wrapped.reason).toMatch(/PKCS#8/);
  });

  it('an RSA-1024 key in PKCS#8 (as OpenSSL 3 writes it, 634–640 bytes) is named as such, with the fix', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } });
    expect(rsa.privateKey.length).toBeGreaterThanOrEqual(630);
    expect(rsa.privateKey.length).toBeLessThanOrEqual(640);
    // Written into the 612-byte TCP slot, it is cut off.
    const result = analyzePrivateKeySlot(rsa.privateKey.subarray(0, 612), 'tcp');
    expect(result.state).toBe('corrupt');
    expect(result.reason).toMatch(new RegExp(`PKCS#8-wrapped RSA key of ${rsa.privateKey.length} bytes`));
    expect(result.reason).toMatch(/-traditional/);
    expect(result.reason).not.toMatch(/not DER/);
  });

  it('a truncated key (slot too short for its DER length) is corrupt', async () => {
    const rsa = await generateDeviceKey('tcp');
    expect(analyzePrivateKeySlot(rsa.privateKeyDer.subarray(0, 192), 'tcp').state).toBe('corrupt');
  });
});

describe('device public key field', () => {
  it('matches the derived SPKI, is null when blank, false for another key', async () => {
    const a = await generateDeviceKey('udp');
    const b = await generateDeviceKey('udp');
    const field = padded(a.publicKeySpki, KEY_SLOTS.udp.publicKey.length);
    expect(matchesDevicePublicKey(field, a.publicKeySpki)).toBe(true);
    expect(matchesDevicePublicKey(field, b.publicKeySpki)).toBe(false);
    expect(matchesDevicePublicKey(new Uint8Array(128).fill(0xff), a.publicKeySpki)).toBeNull();
  });

  it('accepts a PKCS#1 RSAPublicKey field too', async () => {
    const rsa = await generateDeviceKey('tcp');
    const key = createPrivateKey({ key: Buffer.from(rsa.privateKeyDer), format: 'der', type: 'pkcs1' });
    expect(spkiOf(key)).toEqual(rsa.publicKeySpki);
    const publicPkcs1 = new Uint8Array(createPublicKey(key).export({ type: 'pkcs1', format: 'der' }));
    expect(matchesDevicePublicKey(padded(publicPkcs1, 384), rsa.publicKeySpki)).toBe(true);
  });
});
