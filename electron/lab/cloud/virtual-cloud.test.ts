import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudProfileSchema } from '../../../shared/contract/cloud';
import { DEMO_PRODUCT } from './cloud-devices';
import { VirtualCloud, generateServerKeys } from './virtual-cloud';

const DEVICE = '0123456789abcdef01234567';
const OTHER_DEVICE = '0123456789abcdef0123abcd';
const PARTICLE_CLIENT = `Basic ${Buffer.from('particle:particle').toString('base64')}`;

function rsaDeviceKey(): { pem: string; spki: Uint8Array } {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 65537 });
  return { pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), spki: publicKey.export({ format: 'der', type: 'spki' }) };
}

describe('VirtualCloud HTTP API', () => {
  let cloud: VirtualCloud;
  let baseUrl: string;

  beforeEach(async () => {
    cloud = new VirtualCloud();
    ({ baseUrl } = await cloud.start());
    cloud.registerDevice(DEVICE, { platformId: 6, publicKeySpki: null });
    cloud.registerDevice(OTHER_DEVICE, { platformId: 6, publicKeySpki: null, owner: 'someone@else.example' });
  });
  afterEach(async () => cloud.stop());

  const login = (fields: Record<string, string>, auth = PARTICLE_CLIENT) =>
    fetch(`${baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const get = (path: string, token?: string) => fetch(`${baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const provision = (deviceId: string, body: Record<string, string>, token: string, form = false) =>
    fetch(`${baseUrl}/v1/provisioning/${deviceId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
    });

  it('logs in with a password grant and the particle client', async () => {
    const res = await login({ grant_type: 'password', username: 'demo@particle.rescue', password: 'rescue-demo' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('bearer');
    expect((await get('/v1/user', body.access_token)).status).toBe(200);
  });

  it('refuses a wrong password with 400 invalid_grant and a bad client with 401', async () => {
    const wrong = await login({ grant_type: 'password', username: 'demo@particle.rescue', password: 'nope' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    const badClient = await login({ grant_type: 'password', username: 'demo@particle.rescue', password: 'rescue-demo' }, 'Basic eDp5');
    expect(badClient.status).toBe(401);
    expect(await badClient.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('asks for MFA with 403 mfa_required, then accepts the one-time code', async () => {
    const first = await login({ grant_type: 'password', username: 'mfa@particle.rescue', password: 'rescue-demo' });
    expect(first.status).toBe(403);
    const { error, mfa_token } = (await first.json()) as { error: string; mfa_token: string };
    expect(error).toBe('mfa_required');
    const wrongOtp = await login({ grant_type: 'urn:custom:mfa-otp', mfa_token, otp: '000000' });
    expect(wrongOtp.status).toBe(400);
    const ok = await login({ grant_type: 'urn:custom:mfa-otp', mfa_token, otp: '123456' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toHaveProperty('access_token');
    const reused = await login({ grant_type: 'urn:custom:mfa-otp', mfa_token, otp: '123456' });
    expect(reused.status).toBe(400);
  });

  it('answers 401 without or with a bad token, 404 for unknown devices, 403 for devices of others', async () => {
    const token = cloud.createToken('demo@particle.rescue');
    expect((await get(`/v1/devices/${DEVICE}`)).status).toBe(401);
    const bad = await get(`/v1/devices/${DEVICE}`, 'f'.repeat(40));
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_token', error_description: expect.any(String) });
    expect((await get('/v1/devices/aaaaaaaaaaaaaaaaaaaaaaaa', token)).status).toBe(404);
    expect((await get(`/v1/devices/${OTHER_DEVICE}`, token)).status).toBe(403);
  });

  it('stores a provisioned key (JSON and form bodies) and reports device status', async () => {
    const token = cloud.createToken('demo@particle.rescue');
    const key = rsaDeviceKey();
    const res = await provision(DEVICE, { deviceID: DEVICE, publicKey: key.pem, algorithm: 'rsa', filename: 'cli' }, token, true);
    expect(res.status).toBe(200);
    expect(Buffer.from(cloud.devicePublicKeySpki(DEVICE) ?? []).equals(Buffer.from(key.spki))).toBe(true);
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect((await provision(DEVICE, { publicKey: ec, algorithm: 'ecc' }, token)).status).toBe(200);

    const status = (await (await get(`/v1/devices/${DEVICE}`, token)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ id: DEVICE, online: false, connected: false, platform_id: 6, last_heard: null });
  });

  it('rejects bad uploads with 400 and uploads to devices of others with 403', async () => {
    const token = cloud.createToken('demo@particle.rescue');
    const key = rsaDeviceKey();
    expect((await provision(DEVICE, { algorithm: 'rsa' }, token)).status).toBe(400);
    expect((await provision(DEVICE, { publicKey: 'not a key', algorithm: 'rsa' }, token)).status).toBe(400);
    expect((await provision(DEVICE, { publicKey: key.pem, algorithm: 'ecc' }, token)).status).toBe(400);
    const priv = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    expect((await provision(DEVICE, { publicKey: priv, algorithm: 'rsa' }, token)).status).toBe(400);
    expect((await provision(OTHER_DEVICE, { publicKey: key.pem, algorithm: 'rsa' }, token)).status).toBe(403);
    expect((await provision(DEVICE, { publicKey: key.pem, algorithm: 'rsa' }, 'f'.repeat(40))).status).toBe(401);
  });

  it('lets a product member provision into the product, refuses unknown products and non-members', async () => {
    const key = rsaDeviceKey();
    const demo = cloud.createToken('demo@particle.rescue');
    const mfaUser = cloud.createToken('mfa@particle.rescue');
    expect((await provision(OTHER_DEVICE, { publicKey: key.pem, algorithm: 'rsa', product_id: String(DEMO_PRODUCT.id) }, demo)).status).toBe(200);
    expect((await provision(DEVICE, { publicKey: key.pem, algorithm: 'rsa', product_id: '999' }, demo)).status).toBe(404);
    expect((await provision(DEVICE, { publicKey: key.pem, algorithm: 'rsa', product_id: String(DEMO_PRODUCT.id) }, mfaUser)).status).toBe(403);
    const info = (await (await get(`/v1/devices/${OTHER_DEVICE}`, demo)).json()) as { product_id: number };
    expect(info.product_id).toBe(DEMO_PRODUCT.id);
    expect((await get(`/v1/products/${DEMO_PRODUCT.id}/devices/${OTHER_DEVICE}`, demo)).status).toBe(200);
    expect((await get(`/v1/products/${DEMO_PRODUCT.id}/devices/${DEVICE}`, demo)).status).toBe(404);
    expect((await get(`/v1/products/${DEMO_PRODUCT.id}/devices/${OTHER_DEVICE}`, mfaUser)).status).toBe(403);
  });

  it('injects failures and records requests without query strings', async () => {
    cloud.failNextRequests(1, 503);
    expect((await get('/v1/user?access_token=secret')).status).toBe(503);
    expect((await get('/v1/user?access_token=secret')).status).toBe(401);
    expect(cloud.requests().map((r) => `${r.path} ${r.status}`)).toEqual(['/v1/user 503', '/v1/user 401']);
  });

  it('is unreachable after stop and comes back on the same port', async () => {
    await cloud.stop();
    await expect(fetch(`${baseUrl}/v1/user`)).rejects.toThrow();
    expect((await cloud.start()).baseUrl).toBe(baseUrl);
  });

  it('describes itself as a valid virtual cloud profile', () => {
    const profile = CloudProfileSchema.parse(cloud.cloudProfile());
    expect(profile).toMatchObject({ kind: 'virtual', name: 'Virtual Particle Cloud', apiBaseUrl: baseUrl });
    expect(Buffer.from(profile.serverKeys.tcp ?? '', 'base64').length).toBe(294);
    expect(Buffer.from(profile.serverKeys.udp ?? '', 'base64').length).toBe(91);
    expect(profile.serverAddress.tcp).toEqual(cloud.serverAddress('tcp'));
  });
});

describe('VirtualCloud handshake', () => {
  const cloud = new VirtualCloud();
  const key = rsaDeviceKey();
  const tcpServerKey = cloud.serverPublicKeySpki('tcp');
  const host = cloud.serverAddress('tcp').host;

  it('refuses unknown devices', () => {
    expect(cloud.handshake('ffffffffffffffffffffffff', 'tcp', key.spki, tcpServerKey, host)).toBe('unknown-device');
  });

  it('brings a device online only with its registered key and this cloud server key and host', () => {
    cloud.registerDevice(DEVICE, { platformId: 6, publicKeySpki: key.spki });
    expect(cloud.handshake(DEVICE, 'tcp', rsaDeviceKey().spki, tcpServerKey, host)).toBe('device-key-mismatch');
    expect(cloud.handshake(DEVICE, 'tcp', key.spki, cloud.serverPublicKeySpki('udp'), host)).toBe('server-key-mismatch');
    expect(cloud.handshake(DEVICE, 'tcp', key.spki, new VirtualCloud().serverPublicKeySpki('tcp'), host)).toBe('server-key-mismatch');
    expect(cloud.handshake(DEVICE, 'tcp', key.spki, tcpServerKey, 'device.spark.io')).toBe('server-key-mismatch');
    expect(cloud.handshake(DEVICE, 'tcp', key.spki, tcpServerKey, host)).toBe('ok');
  });

  it('refuses a device whose key the cloud does not hold yet', () => {
    cloud.registerDevice(OTHER_DEVICE, { platformId: 6, publicKeySpki: null });
    expect(cloud.handshake(OTHER_DEVICE, 'tcp', key.spki, tcpServerKey, host)).toBe('device-key-mismatch');
  });

  it('can share one server identity between clouds to save key generation time', () => {
    const serverKeys = generateServerKeys();
    const shared = new VirtualCloud({ serverKeys });
    const twin = new VirtualCloud({ serverKeys });
    expect(Buffer.from(twin.serverPublicKeySpki('tcp')).equals(Buffer.from(shared.serverPublicKeySpki('tcp')))).toBe(true);
  });

  it('advertises a loopback address with the device ports', () => {
    expect(cloud.serverAddress('udp')).toEqual({ host: '127.0.0.1', port: 5684 });
    expect(cloud.serverPublicKeySpki('udp').length).toBe(91);
  });
});
