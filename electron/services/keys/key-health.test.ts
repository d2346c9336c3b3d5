import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CloudProfile } from '../../../shared/contract/cloud';
import { DCT_OFFSETS, DCT_SIZE, KEY_SLOTS } from '../../../shared/domain/dct-layout';
import { generateDeviceKey } from './key-generation';
import { assessKeys, effectiveProtocol } from './key-health';
import { RepairJournalStore, type RepairJournal } from './repair-journal';
import { restorableRegions } from './dct-restore';

const ID = '0123456789abcdef01234567';
const particle: CloudProfile = { id: 'particle', name: 'Particle', kind: 'particle', apiBaseUrl: 'https://api.particle.io', serverKeys: {}, serverAddress: {} };

describe('assessKeys', () => {
  it('Electron uses the TCP slots when its DCT selects TCP, UDP otherwise', async () => {
    const dct = new Uint8Array(DCT_SIZE).fill(0xff);
    expect(effectiveProtocol(10, dct)).toBe('udp');
    dct[DCT_OFFSETS.cloudTransport] = 0;
    expect(effectiveProtocol(10, dct)).toBe('tcp');
    expect(effectiveProtocol(12, dct)).toBe('udp');
    const rsa = await generateDeviceKey('tcp');
    dct.set(rsa.privateKeyDer, KEY_SLOTS.tcp.privateKey.offset);
    const a = assessKeys({ deviceId: ID, platformId: 10, dct, profile: particle, cloudConnected: true });
    expect(a.health).toMatchObject({ protocol: 'tcp', healthy: true, privateKey: { state: 'valid', algorithm: 'rsa-1024' } });
    expect(restorableRegions(10, dct).map((r) => r.name)).toEqual(['private-key', 'server-key', 'claim-code', 'cloud-transport']);
    expect(restorableRegions(6, dct).map((r) => r.name)).toEqual(['private-key', 'server-key', 'claim-code']);
  });

  it('a valid key is judged refused only when the device keeps trying with the right server', async () => {
    const dct = new Uint8Array(DCT_SIZE).fill(0xff);
    dct.set((await generateDeviceKey('udp')).privateKeyDer, KEY_SLOTS.udp.privateKey.offset);
    const judge = (cloudConnected: boolean | null) => assessKeys({ deviceId: ID, platformId: 12, dct, profile: particle, cloudConnected });
    expect(judge(false)).toMatchObject({ replaceKey: true, health: { healthy: false, verdict: 'bad' } });
    expect(judge(true)).toMatchObject({ replaceKey: false, health: { healthy: true, verdict: 'good' } });
    // Unknown is never healthy: intact slots without evidence from the cloud link.
    const unknown = judge(null).health;
    expect(unknown).toMatchObject({ healthy: false, verdict: 'unknown', problems: [] });
    expect(unknown.summary).not.toMatch(/in order/);
    expect(unknown.summary).toMatch(/unknown/);
    expect(unknown.questions).toEqual([
      expect.objectContaining({ question: 'device-key', verdict: 'good', source: 'dct' }),
      expect.objectContaining({ question: 'server-key', verdict: 'good', source: 'dct' }),
      expect.objectContaining({ question: 'cloud-accepts-key', verdict: 'unknown', source: 'none' }),
    ]);
    // The LED the user picked is evidence of a refusal, named as such.
    const led = assessKeys({ deviceId: ID, platformId: 12, dct, profile: particle, cloudConnected: false, cloudEvidence: 'led' });
    expect(led).toMatchObject({ replaceKey: true, health: { verdict: 'bad' } });
    expect(led.health.questions?.[2]).toMatchObject({ verdict: 'bad', source: 'led' });
    expect(led.health.problems[0]).toMatch(/LED/);
    // With the server key pointing elsewhere, a failing connection says nothing about the device key.
    dct.set([1, 11, ...Buffer.from('example.com')], KEY_SLOTS.udp.serverKey.offset + KEY_SLOTS.udp.addressOffsetInSlot);
    expect(judge(false)).toMatchObject({ replaceKey: false, serverKeyWrong: true });
  });
});

describe('RepairJournalStore', () => {
  it('writes, completes steps, lists, ignores unreadable files and removes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'journal-'));
    try {
      const store = new RepairJournalStore(dir);
      const journal: RepairJournal = {
        version: 1,
        deviceId: ID,
        platformId: 6,
        protocol: 'tcp',
        profileId: 'particle',
        startedAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        options: { serverKey: { kind: 'auto' }, preferBackupKey: true },
        steps: ['health-checked'],
        plan: { replaceKey: true, serverKeyImageBase64: null },
        before: { privateKeySha256: null, serverKeySha256: null },
        backupIds: [],
        key: null,
        upload: 'pending',
        lastError: null,
      };
      await store.write(journal);
      const next = await store.complete(journal, 'backed-up', { backupIds: ['b1'] });
      expect((await store.read(ID))?.steps).toEqual(['health-checked', 'backed-up']);
      expect(next.backupIds).toEqual(['b1']);
      await writeFile(join(store.dir, 'ffffffffffffffffffffffff.json'), '{ not json');
      expect((await store.list()).map((j) => j.deviceId)).toEqual([ID]);
      await store.remove(ID);
      expect(await store.read(ID)).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
