import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_SLOTS } from '../../../shared/domain/dct-layout';
import type { CloudProfile } from '../../../shared/contract/cloud';
import { RescueError } from '../../../shared/errors';
import { generateDeviceKey } from './key-generation';
import { findParticleCliKeyFiles, type CliKeySearchEnv } from './particle-cli-keys';
import { readServerAddress } from './server-address';
import { analyzeServerKeySlot, assertTrustedServerKey, buildServerKeySlot, profileTarget, serverKeyProblem } from './server-key';

const FIXTURES = join(__dirname, '../../../../shared/fixtures/keys');
const haveFixtures = existsSync(join(FIXTURES, 'rsa.pub.der'));

const particle: CloudProfile = { id: 'particle', name: 'Particle', kind: 'particle', apiBaseUrl: 'https://api.particle.io', serverKeys: {}, serverAddress: {} };

async function privateProfile(): Promise<{ profile: CloudProfile; spki: Uint8Array }> {
  const { publicKeySpki } = await generateDeviceKey('udp');
  const profile: CloudProfile = {
    ...particle,
    id: 'lab',
    kind: 'private',
    serverKeys: { udp: Buffer.from(publicKeySpki).toString('base64') },
    serverAddress: { udp: { host: '127.0.0.1', port: 5700 } },
  };
  return { profile, spki: publicKeySpki };
}

describe('server key slot', () => {
  it('blank slot: firmware default key and address', () => {
    const blank = buildServerKeySlot('tcp', null, null);
    expect(blank.length).toBe(512);
    const analysis = analyzeServerKeySlot(blank, 'tcp', null);
    expect(analysis).toMatchObject({ state: 'blank', address: { kind: 'default', host: 'device.spark.io', port: 5683 } });
    expect(serverKeyProblem(analysis, profileTarget(particle, 'tcp'), 'tcp')).toBeNull();
  });

  it('profile key with IPv4 address round-trips and is judged against the profile', async () => {
    const { profile, spki } = await privateProfile();
    const target = profileTarget(profile, 'udp');
    const slot = buildServerKeySlot('udp', target.spki, target.address);
    expect(slot.length).toBe(KEY_SLOTS.udp.serverKey.length);
    expect(Array.from(slot.subarray(192, 198))).toEqual([0, 4, 127, 0, 0, 1]);
    expect(Array.from(slot.subarray(258, 260))).toEqual([0x16, 0x44]);
    const analysis = analyzeServerKeySlot(slot, 'udp', spki);
    expect(analysis).toMatchObject({ state: 'profile', address: { kind: 'ipv4', host: '127.0.0.1', port: 5700 } });
    expect(serverKeyProblem(analysis, target, 'udp')).toBeNull();
    // The same slot seen under the Particle profile is another server.
    const underParticle = analyzeServerKeySlot(slot, 'udp', null);
    expect(underParticle.state).toBe('other');
    expect(serverKeyProblem(underParticle, profileTarget(particle, 'udp'), 'udp')).toMatch(/another server/);
    // A blank slot under a private profile is a problem.
    expect(serverKeyProblem(analyzeServerKeySlot(buildServerKeySlot('udp', null, null), 'udp', spki), target, 'udp')).toMatch(/Particle Cloud/);
  });

  it('domain address and corrupt key', () => {
    const slot = buildServerKeySlot('udp', null, null);
    slot.set([1, 11, ...Buffer.from('example.com')], 192);
    slot.set([0x12, 0x34], 258);
    expect(readServerAddress(slot, 'udp')).toEqual({ kind: 'domain', host: 'example.com', port: 0x1234 });
    slot[0] = 0x30;
    slot[1] = 0x10;
    expect(analyzeServerKeySlot(slot, 'udp', null).state).toBe('corrupt');
  });

  it('refuses a server key that is neither genuine nor the profile key', async () => {
    const { spki } = await privateProfile();
    const stranger = (await generateDeviceKey('udp')).publicKeySpki;
    expect(() => assertTrustedServerKey(stranger, 'udp', spki)).toThrow(RescueError);
    expect(() => assertTrustedServerKey(spki, 'udp', spki)).not.toThrow();
    // Under the Particle profile only genuine keys pass; the message names the profile.
    expect(() => assertTrustedServerKey(spki, 'udp', null, 'Particle')).toThrow(/not a genuine Particle Cloud UDP key, and the active cloud profile "Particle"/);
    expect(() => assertTrustedServerKey(stranger, 'udp', spki, 'My cloud')).toThrow(/neither to the active cloud profile "My cloud" nor to the Particle Cloud/);
  });

  it('recognises the Particle CLI key files as genuine complete slot images', (ctx) => {
    ctx.skip(!haveFixtures, 'needs ../shared/fixtures beside the checkout (reference material, not in the repository)');
    for (const [protocol, file] of [['tcp', 'rsa.pub.der'], ['udp', 'ec.pub.der']] as const) {
      const image = new Uint8Array(readFileSync(join(FIXTURES, file)));
      const analysis = analyzeServerKeySlot(image, protocol, null);
      expect(analysis.state).toBe('genuine');
      expect(analysis.address.kind).toBe('domain');
      expect(analysis.address.port).toBe(KEY_SLOTS[protocol].defaultPort);
      expect(() => assertTrustedServerKey(analysis.spki!, protocol, null)).not.toThrow();
      expect(serverKeyProblem(analysis, profileTarget(particle, protocol), protocol)).toBeNull();
    }
  });

  it('refuses a genuine Particle server key while another cloud is the active profile, naming both', async (ctx) => {
    ctx.skip(!haveFixtures, 'needs ../shared/fixtures beside the checkout (reference material, not in the repository)');
    const { spki } = await privateProfile();
    const image = new Uint8Array(readFileSync(join(FIXTURES, 'ec.pub.der')));
    const genuine = analyzeServerKeySlot(image, 'udp', null).spki!;
    const error = (() => {
      try {
        assertTrustedServerKey(genuine, 'udp', spki, 'My cloud');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(RescueError.is(error, 'SERVER_KEY_UNTRUSTED')).toBe(true);
    expect((error as RescueError).message).toMatch(/genuine Particle Cloud UDP server key, but the active cloud profile is "My cloud"/);
  });
});

describe('finding the Particle CLI key files', () => {
  it('looks in global npm roots, ~/.particle and nvm trees', async () => {
    const existing = new Set(['/home/u/.particle/node_modules/particle-cli/assets/keys/ec.pub.der', '/home/u/.nvm/versions/node/v20.1.0/lib/node_modules/particle-cli/assets/keys/rsa.pub.der']);
    const env: CliKeySearchEnv = {
      home: '/home/u',
      platform: 'linux',
      env: {},
      exists: async (p) => existing.has(p),
      list: async (dir) => (dir === '/home/u/.nvm/versions/node' ? ['v20.1.0'] : []),
    };
    const found = await findParticleCliKeyFiles(env);
    expect(found).toEqual([
      { protocol: 'udp', path: '/home/u/.particle/node_modules/particle-cli/assets/keys/ec.pub.der' },
      { protocol: 'tcp', path: '/home/u/.nvm/versions/node/v20.1.0/lib/node_modules/particle-cli/assets/keys/rsa.pub.der' },
    ]);
  });
});
