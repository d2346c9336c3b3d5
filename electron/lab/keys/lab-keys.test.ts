import { describe, expect, it } from 'vitest';
import { labKeyPair, publicSpkiFromPrivate } from './lab-keys';

describe('lab keys', () => {
  it('makes PKCS#1 RSA-1024 device keys deterministically', () => {
    const a = labKeyPair('rsa-1024', 7);
    expect(a.privateDer[0]).toBe(0x30);
    expect(a.privateDer.length).toBeGreaterThanOrEqual(600);
    expect(a.privateDer.length).toBeLessThanOrEqual(612);
    expect(a.publicSpki.length).toBe(162);
    expect(publicSpkiFromPrivate('tcp', a.privateDer)).toEqual(a.publicSpki);
  });

  it('makes SEC1 P-256 keys that fit the 192-byte slot, same seed same key', () => {
    const a = labKeyPair('ec-p256', 3);
    const b = labKeyPair('ec-p256', 3);
    expect(Array.from(a.privateDer.subarray(0, 5))).toEqual([0x30, 0x77, 0x02, 0x01, 0x01]);
    expect(a.publicSpki.length).toBe(91);
    expect(b.privateDer).toEqual(a.privateDer);
    expect(labKeyPair('ec-p256', 4).privateDer).not.toEqual(a.privateDer);
    expect(publicSpkiFromPrivate('udp', a.privateDer)).toEqual(a.publicSpki);
  });

  it('gives no public key for a blank or garbage slot', () => {
    expect(publicSpkiFromPrivate('tcp', new Uint8Array(612).fill(0xff))).toBeNull();
  });
});

describe('what the firmware accepts as a device key', () => {
  it('refuses an RSA-2048 key and a PKCS#8-wrapped RSA key for TCP, accepts PKCS#8 EC for UDP', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } });
    expect(publicSpkiFromPrivate('tcp', rsa2048.privateKey)).toBeNull();
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } });
    expect(publicSpkiFromPrivate('tcp', rsa1024.privateKey)).toBeNull();
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'pkcs8', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } });
    expect(publicSpkiFromPrivate('udp', ec.privateKey)).toEqual(Uint8Array.from(ec.publicKey));
  });
});
