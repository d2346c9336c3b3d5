import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupStore } from '../backups/backup-store';
import { findBundledServerKeys } from './bundled-server-keys';
import { generateDeviceKey } from './key-generation';
import { planServerKeyImage } from './server-key-plan';
import { buildServerKeySlot, type ServerTarget } from './server-key';

const DEVICE = 'cccccccccccccccccccccccc';
let dir: string;
let backups: BackupStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plan-'));
  backups = new BackupStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const particle: ServerTarget = { spki: null, address: null };
const b64 = (data: Uint8Array) => Buffer.from(data).toString('base64');

async function genuineUdp(): Promise<Uint8Array> {
  const udp = (await findBundledServerKeys()).find((k) => k.protocol === 'udp')!;
  return new Uint8Array(readFileSync(udp.path));
}

describe('planServerKeyImage', () => {
  it('keep, auto, profile and blank', async () => {
    const base = { protocol: 'udp' as const, target: particle, backups };
    expect(await planServerKeyImage({ ...base, source: { kind: 'keep' }, slotWrong: true })).toBeNull();
    expect(await planServerKeyImage({ ...base, source: { kind: 'auto' }, slotWrong: false })).toBeNull();
    expect(await planServerKeyImage({ ...base, source: { kind: 'auto' }, slotWrong: true })).toEqual(buildServerKeySlot('udp', null, null));
    expect(await planServerKeyImage({ ...base, source: { kind: 'blank' }, slotWrong: false })).toEqual(new Uint8Array(320).fill(0xff));
    const spki = (await generateDeviceKey('udp')).publicKeySpki;
    const target: ServerTarget = { spki, address: { host: '10.0.0.2', port: 5700 } };
    expect(await planServerKeyImage({ ...base, target, source: { kind: 'profile' }, slotWrong: false })).toEqual(buildServerKeySlot('udp', spki, target.address));
    expect(await planServerKeyImage({ ...base, target: { spki: null, address: target.address }, source: { kind: 'profile' }, slotWrong: false })).toEqual(buildServerKeySlot('udp', null, null));
  });

  it('file: a complete genuine slot image is written as is; a bare key gets no address unless it is the profile key; a genuine key only under the Particle profile', async () => {
    const base = { protocol: 'udp' as const, target: particle, backups, slotWrong: true };
    const image = await genuineUdp();
    expect(await planServerKeyImage({ ...base, source: { kind: 'file', dataBase64: b64(image) } })).toEqual(image);
    const spki = (await generateDeviceKey('udp')).publicKeySpki;
    const target: ServerTarget = { spki, address: { host: '10.0.0.3', port: 5701 } };
    expect(await planServerKeyImage({ ...base, target, source: { kind: 'file', dataBase64: b64(spki) } })).toEqual(buildServerKeySlot('udp', spki, target.address));
    const pem = `-----BEGIN PUBLIC KEY-----\n${b64(spki)}\n-----END PUBLIC KEY-----\n`;
    expect(await planServerKeyImage({ ...base, target, source: { kind: 'file', dataBase64: b64(Buffer.from(pem)) } })).toEqual(buildServerKeySlot('udp', spki, target.address));
    const genuineSpki = image.subarray(0, 91);
    expect(await planServerKeyImage({ ...base, source: { kind: 'file', dataBase64: b64(genuineSpki) } })).toEqual(buildServerKeySlot('udp', genuineSpki, null));
    // The genuine key under another cloud's profile would hand the device to the Particle Cloud.
    await expect(planServerKeyImage({ ...base, target, source: { kind: 'file', dataBase64: b64(genuineSpki) } })).rejects.toMatchObject({ code: 'SERVER_KEY_UNTRUSTED' });
  });

  it('file: not a key, or a key nobody trusts, is refused', async () => {
    const base = { protocol: 'udp' as const, target: particle, backups, slotWrong: true };
    await expect(planServerKeyImage({ ...base, source: { kind: 'file', dataBase64: b64(Buffer.from('hello')) } })).rejects.toMatchObject({ code: 'KEY_INVALID' });
    const stranger = (await generateDeviceKey('udp')).publicKeySpki;
    await expect(planServerKeyImage({ ...base, source: { kind: 'file', dataBase64: b64(stranger) } })).rejects.toMatchObject({ code: 'SERVER_KEY_UNTRUSTED' });
    await expect(planServerKeyImage({ ...base, source: { kind: 'file', dataBase64: b64(buildServerKeySlot('udp', stranger, null)) } })).rejects.toMatchObject({ code: 'SERVER_KEY_UNTRUSTED' });
  });

  it('device: the slot from the newest intact DCT backup of that device; none → NOT_FOUND naming the device', async () => {
    const base = { protocol: 'udp' as const, target: particle, backups, slotWrong: true };
    await expect(planServerKeyImage({ ...base, source: { kind: 'device', deviceId: DEVICE } })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(DEVICE) });
    const dct = new Uint8Array(8391).fill(0xff);
    const image = await genuineUdp();
    dct.set(image, 3298);
    await backups.save({ deviceId: DEVICE, platformId: 12, kind: 'firmware', reason: 'x', files: [{ name: 'dct.bin', data: new Uint8Array(8391) }] });
    await backups.save({ deviceId: DEVICE, platformId: 12, kind: 'dct', reason: 'x', files: [{ name: 'other.bin', data: dct }] });
    await expect(planServerKeyImage({ ...base, source: { kind: 'device', deviceId: DEVICE } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await backups.save({ deviceId: DEVICE, platformId: 12, kind: 'dct', reason: 'x', files: [{ name: 'dct.bin', data: dct }] });
    expect(await planServerKeyImage({ ...base, source: { kind: 'device', deviceId: DEVICE } })).toEqual(image);
  });
});
