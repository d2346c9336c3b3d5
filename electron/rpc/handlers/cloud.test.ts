import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { cloudMethods } from '../../../shared/contract/cloud';
import { VirtualCloud } from '../../lab/cloud/virtual-cloud';
import { CloudService } from '../../services/cloud/cloud-service';
import { OperationLog } from '../../services/operations/operation-log';
import { cloudHandlers } from './cloud';

const ctx = { transport: 'test' as const };
const DEVICE = '0123456789abcdef01234567';

describe('cloudHandlers', () => {
  it('logs in, reads device status and shows queued uploads without the key, all matching the contract', async () => {
    const cloud = new VirtualCloud();
    await cloud.start();
    cloud.registerDevice(DEVICE, { platformId: 6, publicKeySpki: null, owner: 'mfa@particle.rescue' });
    const dataDir = await mkdtemp(join(tmpdir(), 'cloud-handlers-'));
    const service = new CloudService({ dataDir, opLog: new OperationLog(null), retryDelaysMs: [] });
    service.registerProfile(cloud.cloudProfile());
    const handlers = cloudHandlers({ cloud: service });
    const out = <M extends keyof typeof cloudMethods>(method: M, value: unknown): z.output<(typeof cloudMethods)[M]['output']> =>
      cloudMethods[method].output.parse(value) as z.output<(typeof cloudMethods)[M]['output']>;
    try {
      const profiles = out('cloud.profiles', await handlers['cloud.profiles']({}, ctx));
      expect(profiles.profiles.map((p) => p.id)).toEqual(['particle', 'virtual-cloud']);
      out('cloud.useProfile', await handlers['cloud.useProfile']({ profileId: 'virtual-cloud' }, ctx));
      const login = out('cloud.login', await handlers['cloud.login']({ username: 'mfa@particle.rescue', password: 'rescue-demo' }, ctx));
      expect(login.status).toBe('mfa-required');
      const mfaToken = login.status === 'mfa-required' ? login.mfaToken : '';
      expect(out('cloud.loginMfa', await handlers['cloud.loginMfa']({ mfaToken, otp: '123456' }, ctx)).status).toBe('ok');
      expect(out('cloud.deviceStatus', await handlers['cloud.deviceStatus']({ deviceId: DEVICE }, ctx))).toEqual({ online: false, connected: false, lastHeard: null });

      await cloud.stop();
      const publicKeyPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
      expect(await service.uploadOrQueue({ deviceId: DEVICE, publicKeyPem, algorithm: 'ecc' })).toBe('queued');
      const queued = out('cloud.uploads', await handlers['cloud.uploads']({}, ctx));
      expect(queued.uploads).toEqual([expect.objectContaining({ deviceId: DEVICE, algorithm: 'ecc' })]);
      expect(JSON.stringify(queued)).not.toContain('PUBLIC KEY');

      await cloud.start();
      expect(out('cloud.retryUploads', await handlers['cloud.retryUploads']({}, ctx))).toEqual({ uploaded: [DEVICE], uploads: [] });
      expect(out('cloud.logout', await handlers['cloud.logout']({}, ctx)).loggedIn).toBe(false);
    } finally {
      await cloud.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
