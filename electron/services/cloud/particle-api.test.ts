import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualCloud } from '../../lab/cloud/virtual-cloud';
import { particleCloudApi } from './particle-api';

const DEVICE = '0123456789abcdef01234567';

describe('particleCloudApi (particle-api-js with a configurable base URL)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('works offline against the loopback cloud and opens no other connection', async () => {
    const cloud = new VirtualCloud();
    const { baseUrl } = await cloud.start();
    cloud.registerDevice(DEVICE, { platformId: 6, publicKeySpki: null });
    const secure = vi.spyOn(https, 'request');
    const plain = vi.spyOn(http, 'request');
    const sockets = vi.spyOn(net, 'connect');
    try {
      const api = particleCloudApi(baseUrl, 5000);
      const login = await api.login('demo@particle.rescue', 'rescue-demo');
      const token = 'token' in login ? login.token : '';
      expect(await api.username(token)).toBe('demo@particle.rescue');
      const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
      await api.sendPublicKey(token, { deviceId: DEVICE, publicKeyPem: pem, algorithm: 'ecc' });
      expect(await api.device(token, DEVICE)).toEqual({ online: false, connected: false, lastHeard: null });

      expect(secure).not.toHaveBeenCalled();
      const hosts = plain.mock.calls.map(([options]) => (typeof options === 'string' || options instanceof URL ? new URL(options).hostname : options.hostname ?? options.host));
      expect(hosts.length).toBe(4);
      expect(new Set(hosts)).toEqual(new Set(['127.0.0.1']));
      for (const [options] of sockets.mock.calls) expect(JSON.stringify(options)).toContain('127.0.0.1');
      expect(cloud.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'POST /oauth/token 200',
        'GET /v1/user 200',
        `POST /v1/provisioning/${DEVICE} 200`,
        `GET /v1/devices/${DEVICE} 200`,
      ]);
    } finally {
      await cloud.stop();
    }
  });

  it('reports the MFA step as an mfa token rather than an error', async () => {
    const cloud = new VirtualCloud();
    const { baseUrl } = await cloud.start();
    try {
      const first = await particleCloudApi(baseUrl, 5000).login('mfa@particle.rescue', 'rescue-demo');
      expect(first).toEqual({ mfaToken: expect.stringMatching(/^[0-9a-f]+$/) });
    } finally {
      await cloud.stop();
    }
  });
});
