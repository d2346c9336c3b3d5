import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudProfile } from '../../../shared/contract/cloud';
import { RescueError } from '../../../shared/errors';
import { VirtualCloud } from '../../lab/cloud/virtual-cloud';
import { OperationLog } from '../operations/operation-log';
import { CloudService } from './cloud-service';

const DEVICE = '0123456789abcdef01234567';
const FOREIGN_DEVICE = 'abcdefabcdefabcdefabcdef';

function devicePublicKey(): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 65537 });
  return publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

async function rejection(promise: Promise<unknown>): Promise<RescueError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RescueError);
  return error as RescueError;
}

describe('CloudService against the virtual cloud', () => {
  let cloud: VirtualCloud;
  let dataDir: string;
  let opLog: OperationLog;
  let service: CloudService;
  const sleeps: number[] = [];

  beforeEach(async () => {
    cloud = new VirtualCloud();
    await cloud.start();
    cloud.registerDevice(DEVICE, { platformId: 6, publicKeySpki: null });
    cloud.registerDevice(FOREIGN_DEVICE, { platformId: 12, publicKeySpki: null, owner: 'someone@else.example' });
    dataDir = await mkdtemp(join(tmpdir(), 'cloud-service-'));
    opLog = new OperationLog(null);
    sleeps.length = 0;
    service = new CloudService({
      dataDir,
      opLog,
      fetchTimeoutMs: 5000,
      retryDelaysMs: [10, 20],
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    service.registerProfile(cloud.cloudProfile());
    await service.useProfile('virtual-cloud');
  });

  afterEach(async () => {
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs in with user and password and reports the session', async () => {
    const result = await service.login('demo@particle.rescue', 'rescue-demo');
    expect(result).toEqual({
      status: 'ok',
      session: { profileId: 'virtual-cloud', loggedIn: true, username: 'demo@particle.rescue', tokenStorage: 'memory', queuedUploads: 0 },
    });
  });

  it('maps a wrong password to CLOUD_AUTH_REQUIRED', async () => {
    const error = await rejection(service.login('demo@particle.rescue', 'wrong'));
    expect(error.code).toBe('CLOUD_AUTH_REQUIRED');
    expect((await service.session()).loggedIn).toBe(false);
  });

  it('walks the MFA step: mfa-required, a wrong code, then the right one', async () => {
    const first = await service.login('mfa@particle.rescue', 'rescue-demo');
    expect(first.status).toBe('mfa-required');
    const mfaToken = first.status === 'mfa-required' ? first.mfaToken : '';
    expect((await rejection(service.loginMfa(mfaToken, '000000'))).code).toBe('CLOUD_MFA_REQUIRED');
    const done = await service.loginMfa(mfaToken, '123456');
    expect(done).toMatchObject({ status: 'ok', session: { loggedIn: true, username: 'mfa@particle.rescue' } });
  });

  it('checks a pasted token at once: a valid one names the user, a refused one is not kept', async () => {
    const session = await service.setToken(cloud.createToken('demo@particle.rescue'));
    expect(session).toMatchObject({ loggedIn: true, username: 'demo@particle.rescue' });
    await service.logout();
    expect((await rejection(service.setToken('f'.repeat(40)))).code).toBe('CLOUD_AUTH_REQUIRED');
    expect((await service.session()).loggedIn).toBe(false);
  });

  it('keeps a pasted token unchecked when the cloud is offline', async () => {
    const token = cloud.createToken('demo@particle.rescue');
    await cloud.stop();
    expect(await service.setToken(token)).toMatchObject({ loggedIn: true, username: null });
  });

  it('uploads a public key, after which the cloud holds it and reports the device', async () => {
    await service.login('demo@particle.rescue', 'rescue-demo');
    const pem = devicePublicKey();
    await service.uploadPublicKey({ deviceId: DEVICE, publicKeyPem: pem, algorithm: 'rsa' });
    const held = Buffer.from(cloud.devicePublicKeySpki(DEVICE) ?? []);
    expect(held.equals(generateSpki(pem))).toBe(true);
    expect(await service.deviceStatus(DEVICE)).toEqual({ online: false, connected: false, lastHeard: null });
    cloud.setOnline(DEVICE, true);
    expect(await service.deviceStatus(DEVICE)).toMatchObject({ online: true, connected: true, lastHeard: expect.any(String) });
  });

  it('uploads through a product the account is a team member of', async () => {
    await service.login('demo@particle.rescue', 'rescue-demo');
    await service.uploadPublicKey({ deviceId: FOREIGN_DEVICE, publicKeyPem: devicePublicKey(), algorithm: 'rsa', productId: 4242 });
    expect(cloud.devicePublicKeySpki(FOREIGN_DEVICE)).not.toBeNull();
    expect(await service.deviceStatus(FOREIGN_DEVICE, 4242)).toEqual({ online: false, connected: false, lastHeard: null });
    expect((await rejection(service.deviceStatus(DEVICE, 4242))).code).toBe('NOT_FOUND');
  });

  it('maps 401 to CLOUD_AUTH_REQUIRED and forgets the refused token', async () => {
    const token = cloud.createToken('demo@particle.rescue');
    await service.setToken(token);
    cloud.revokeToken(token);
    const error = await rejection(service.uploadPublicKey({ deviceId: DEVICE, publicKeyPem: devicePublicKey(), algorithm: 'rsa' }));
    expect(error.code).toBe('CLOUD_AUTH_REQUIRED');
    expect(error.fix).toMatch(/log in/i);
    expect((await service.session()).loggedIn).toBe(false);
  });

  it('refuses to upload without a login', async () => {
    const error = await rejection(service.uploadPublicKey({ deviceId: DEVICE, publicKeyPem: devicePublicKey(), algorithm: 'rsa' }));
    expect(error.code).toBe('CLOUD_AUTH_REQUIRED');
  });

  it('maps 403 to CLOUD_FORBIDDEN with a fix about owner and product', async () => {
    await service.login('demo@particle.rescue', 'rescue-demo');
    const error = await rejection(service.uploadPublicKey({ deviceId: FOREIGN_DEVICE, publicKeyPem: devicePublicKey(), algorithm: 'rsa' }));
    expect(error.code).toBe('CLOUD_FORBIDDEN');
    expect(error.fix).toMatch(/owner|product/);
    expect((await rejection(service.deviceStatus(FOREIGN_DEVICE))).code).toBe('CLOUD_FORBIDDEN');
  });

  it('maps 400 to CLOUD_REJECTED and an unknown device status to NOT_FOUND', async () => {
    await service.login('demo@particle.rescue', 'rescue-demo');
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect((await rejection(service.uploadPublicKey({ deviceId: DEVICE, publicKeyPem: ecKey, algorithm: 'rsa' }))).code).toBe('CLOUD_REJECTED');
    expect((await rejection(service.deviceStatus('ffffffffffffffffffffffff'))).code).toBe('NOT_FOUND');
  });

  it('refuses a private key before anything leaves the machine', async () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect((await rejection(service.uploadPublicKey({ deviceId: DEVICE, publicKeyPem: pem, algorithm: 'rsa' }))).code).toBe('KEY_INVALID');
    expect(cloud.requests()).toHaveLength(0);
  });

  it('retries server errors with backoff and then succeeds', async () => {
    await service.login('demo@particle.rescue', 'rescue-demo');
    cloud.failNextRequests(2, 503);
    await service.uploadPublicKey({ deviceId: DEVICE, publicKeyPem: devicePublicKey(), algorithm: 'rsa' });
    expect(sleeps).toEqual([10, 20]);
    expect(cloud.devicePublicKeySpki(DEVICE)).not.toBeNull();
  });

  it('offline: CLOUD_UNREACHABLE after the retries, then queued, persisted and flushed when back', async () => {
    await service.login('demo@particle.rescue', 'rescue-demo');
    await cloud.stop();
    const request = { deviceId: DEVICE, publicKeyPem: devicePublicKey(), algorithm: 'rsa' as const };
    const error = await rejection(service.uploadPublicKey(request));
    expect(error.code).toBe('CLOUD_UNREACHABLE');
    expect(error.fix).toMatch(/queued/);
    expect(sleeps).toEqual([10, 20]);

    expect(await service.uploadOrQueue(request)).toBe('queued');
    expect((await service.session()).queuedUploads).toBe(1);
    expect((await stat(join(dataDir, 'upload-queue.json'))).mode & 0o777).toBe(0o600);

    const still = await service.flushQueue();
    expect(still.uploaded).toEqual([]);
    expect(still.remaining[0]).toMatchObject({ deviceId: DEVICE, attempts: 1, lastError: expect.stringMatching(/could not be reached/) });

    await cloud.start();
    const restarted = new CloudService({ dataDir, opLog, retryDelaysMs: [] });
    restarted.registerProfile(cloud.cloudProfile());
    await restarted.useProfile('virtual-cloud');
    await restarted.setToken(cloud.createToken('demo@particle.rescue'));
    expect(await restarted.queued()).toHaveLength(1);
    expect(await restarted.flushQueue()).toEqual({ uploaded: [DEVICE], remaining: [] });
    expect(Buffer.from(cloud.devicePublicKeySpki(DEVICE) ?? []).equals(generateSpki(request.publicKeyPem))).toBe(true);
  });

  it('times out a cloud that never answers', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const slow = new CloudService({ dataDir, opLog, fetchTimeoutMs: 100, retryDelaysMs: [] });
    const profile: CloudProfile = { id: 'silent', name: 'Silent cloud', kind: 'private', apiBaseUrl: `http://127.0.0.1:${port}`, serverKeys: {}, serverAddress: {} };
    slow.registerProfile(profile);
    await slow.useProfile('silent');
    try {
      expect((await rejection(slow.login('demo@particle.rescue', 'rescue-demo'))).code).toBe('CLOUD_UNREACHABLE');
    } finally {
      silent.close();
    }
  });

  it('never writes a token, a password or a key into the operation log', async () => {
    const pem = devicePublicKey();
    await service.login('demo@particle.rescue', 'rescue-demo');
    await service.uploadPublicKey({ deviceId: DEVICE, publicKeyPem: pem, algorithm: 'rsa' });
    const mfa = await service.login('mfa@particle.rescue', 'rescue-demo');
    const mfaToken = mfa.status === 'mfa-required' ? mfa.mfaToken : 'none';
    await service.loginMfa(mfaToken, '123456');
    const pasted = cloud.createToken('demo@particle.rescue');
    await service.setToken(pasted);
    await rejection(service.setToken('e'.repeat(40)));

    const text = opLog
      .recent(1000)
      .map((e) => e.message)
      .join('\n');
    expect(text).toMatch(/Uploaded the RSA public key/);
    const pemBody = pem.split('\n').slice(1, -2).join('');
    expect(text).not.toContain('[removed]');
    for (const secret of ['rescue-demo', mfaToken, pasted, 'e'.repeat(40), pemBody.slice(0, 40)]) {
      expect(text).not.toContain(secret);
    }
    const session = JSON.stringify(await service.session());
    expect(session).not.toContain(pasted);
  });
});

describe('CloudService profiles', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cloud-profiles-'));
  });
  afterEach(async () => rm(dataDir, { recursive: true, force: true }));

  const privateCloud: CloudProfile = {
    id: 'acme',
    name: 'ACME private cloud',
    kind: 'private',
    apiBaseUrl: 'https://cloud.acme.example',
    serverKeys: { udp: 'AAAA' },
    serverAddress: { udp: { host: 'udp.acme.example', port: 5684 } },
  };

  it('starts with the built-in Particle Cloud active', async () => {
    const service = new CloudService({ dataDir, opLog: new OperationLog(null) });
    const { profiles, activeId } = await service.profiles();
    expect(activeId).toBe('particle');
    expect(profiles).toEqual([expect.objectContaining({ id: 'particle', kind: 'particle', apiBaseUrl: 'https://api.particle.io' })]);
  });

  it('persists saved private profiles and the active one, not registered ones', async () => {
    const first = new CloudService({ dataDir, opLog: new OperationLog(null) });
    expect(await first.saveProfile(privateCloud)).toEqual({ saved: true });
    first.registerProfile({ ...privateCloud, id: 'virtual-cloud', kind: 'virtual', apiBaseUrl: 'http://127.0.0.1:1' });
    await first.useProfile('acme');
    expect(JSON.parse(await readFile(join(dataDir, 'cloud-profiles.json'), 'utf8')).profiles).toHaveLength(1);

    const second = new CloudService({ dataDir, opLog: new OperationLog(null) });
    const { profiles, activeId } = await second.profiles();
    expect(activeId).toBe('acme');
    expect(profiles.map((p) => p.id)).toEqual(['particle', 'acme']);
    expect((await second.session()).profileId).toBe('acme');
  });

  it('refuses to overwrite the built-in profile, plain http to another machine, and unknown ids', async () => {
    const service = new CloudService({ dataDir, opLog: new OperationLog(null) });
    expect((await rejection(service.saveProfile({ ...privateCloud, id: 'particle' }))).code).toBe('INVALID_INPUT');
    expect((await rejection(service.saveProfile({ ...privateCloud, apiBaseUrl: 'http://cloud.acme.example' }))).code).toBe('INVALID_INPUT');
    expect((await rejection(service.useProfile('nope'))).code).toBe('NOT_FOUND');
  });

  it('survives a damaged profiles file and says so in the log', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dataDir, 'cloud-profiles.json'), '{ broken');
    const opLog = new OperationLog(null);
    const service = new CloudService({ dataDir, opLog });
    expect((await service.profiles()).activeId).toBe('particle');
    expect(opLog.recent(10).some((e) => e.level === 'warn' && /profiles ignored/.test(e.message))).toBe(true);
  });

  it('moves a damaged upload queue aside instead of failing', async () => {
    const { writeFile, readdir } = await import('node:fs/promises');
    await writeFile(join(dataDir, 'upload-queue.json'), '{ broken');
    const service = new CloudService({ dataDir, opLog: new OperationLog(null) });
    expect((await service.session()).queuedUploads).toBe(0);
    expect((await readdir(dataDir)).some((f) => f.startsWith('upload-queue.json.damaged-'))).toBe(true);
  });

  it('keeps one token per profile', async () => {
    const service = new CloudService({ dataDir, opLog: new OperationLog(null), api: () => fakeApi });
    await service.saveProfile(privateCloud);
    await service.setToken('t'.repeat(40));
    expect((await service.session()).loggedIn).toBe(true);
    await service.useProfile('acme');
    expect((await service.session()).loggedIn).toBe(false);
  });
});

const fakeApi = {
  login: async () => ({ token: 'x'.repeat(40) }),
  sendOtp: async () => 'x'.repeat(40),
  username: async () => 'someone@example.com',
  device: async () => ({ online: false, connected: false, lastHeard: null }),
  sendPublicKey: async () => undefined,
};

function generateSpki(pem: string): Buffer {
  return Buffer.from(
    pem
      .replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '')
      .replace(/\s+/g, ''),
    'base64',
  );
}
