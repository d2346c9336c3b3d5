import { describe, expect, it } from 'vitest';
import { RescueError } from '../../../shared/errors';
import { findBundledServerKeys } from './bundled-server-keys';
import { generateDeviceKey } from './key-generation';
import { encodeAddressRecord, formatAddress, readServerAddress } from './server-address';
import { analyzeServerKeySlot, assertTrustedServerKey, buildServerKeySlot, isGenuine, serverKeyProblem, type ServerKeyAnalysis, type ServerTarget } from './server-key';
import { readFileSync } from 'node:fs';

/** Each verdict of the server-key check, with literal slot offsets (dct-and-keys.md §2). */
const analysis = (over: Partial<ServerKeyAnalysis>): ServerKeyAnalysis => ({
  state: 'genuine',
  sha256: null,
  spki: null,
  address: { kind: 'default', host: 'device.spark.io', port: 5683 },
  ...over,
});
const particle: ServerTarget = { spki: null, address: null };

describe('serverKeyProblem under the Particle profile', () => {
  it('genuine or blank with the default address and port: no problem', () => {
    expect(serverKeyProblem(analysis({}), particle, 'tcp')).toBeNull();
    expect(serverKeyProblem(analysis({ state: 'blank' }), particle, 'tcp')).toBeNull();
    expect(serverKeyProblem(analysis({ address: { kind: 'domain', host: 'abc.udp.particle.io', port: 5684 } }), particle, 'udp')).toBeNull();
  });

  it('corrupt, another key, a foreign host, a wrong port: each named', () => {
    expect(serverKeyProblem(analysis({ state: 'corrupt' }), particle, 'tcp')).toBe('The server key slot is corrupt: the device cannot verify the cloud it talks to.');
    expect(serverKeyProblem(analysis({ state: 'other', address: { kind: 'ipv4', host: '10.0.0.1', port: 99 } }), particle, 'tcp')).toBe(
      'The device trusts another server (10.0.0.1:99), not the Particle Cloud.',
    );
    expect(serverKeyProblem(analysis({ address: { kind: 'domain', host: 'evil.example', port: 5683 } }), particle, 'tcp')).toBe(
      'The server address points to evil.example:5683, not the Particle Cloud.',
    );
    expect(serverKeyProblem(analysis({ address: { kind: 'domain', host: 'notparticle.io', port: 5683 } }), particle, 'tcp')).toMatch(/points to notparticle\.io/);
    expect(serverKeyProblem(analysis({ address: { kind: 'domain', host: 'device.spark.io', port: 5684 } }), particle, 'tcp')).toBe('The server port is 5684; the Particle Cloud uses 5683.');
    expect(serverKeyProblem(analysis({ address: { kind: 'default', host: 'x', port: 5683 } }), particle, 'udp')).toBe('The server port is 5683; the Particle Cloud uses 5684.');
  });
});

describe('serverKeyProblem under a private profile', () => {
  const target: ServerTarget = { spki: Uint8Array.of(1), address: { host: '10.1.1.1', port: 5700 } };
  it('profile key at the profile address: fine; elsewhere: the address is named', () => {
    const at = (host: string, port: number) => analysis({ state: 'profile', address: { kind: 'ipv4', host, port } });
    expect(serverKeyProblem(at('10.1.1.1', 5700), target, 'udp')).toBeNull();
    expect(serverKeyProblem(at('10.1.1.2', 5700), target, 'udp')).toBe('The server address is 10.1.1.2:5700; the active profile uses 10.1.1.1:5700.');
    expect(serverKeyProblem(at('10.1.1.1', 5701), target, 'udp')).toBe('The server address is 10.1.1.1:5701; the active profile uses 10.1.1.1:5700.');
    expect(serverKeyProblem(at('10.9.9.9', 1), { ...target, address: null }, 'udp')).toBeNull();
  });

  it('Particle or another key under a private profile: each named', () => {
    const msg = 'The device trusts the Particle Cloud, but the active cloud profile is a different server.';
    expect(serverKeyProblem(analysis({ state: 'blank' }), target, 'udp')).toBe(msg);
    expect(serverKeyProblem(analysis({ state: 'genuine' }), target, 'udp')).toBe(msg);
    expect(serverKeyProblem(analysis({ state: 'other', address: { kind: 'domain', host: 'o.example', port: 7 } }), target, 'udp')).toBe(
      "The device trusts another server (o.example:7), not the active cloud profile's.",
    );
  });
});

describe('trust, slot building and the address record', () => {
  it('the shipped genuine keys are trusted; a stranger is refused with its hash prefix and protocol named', async () => {
    for (const { protocol, path } of await findBundledServerKeys()) {
      const spki = analyzeServerKeySlot(new Uint8Array(readFileSync(path)), protocol, null).spki!;
      expect(isGenuine(spki, protocol)).toBe(true);
      expect(isGenuine(spki, protocol === 'tcp' ? 'udp' : 'tcp')).toBe(false);
      expect(() => assertTrustedServerKey(spki, protocol, null)).not.toThrow();
    }
    const stranger = (await generateDeviceKey('udp')).publicKeySpki;
    const error = (() => {
      try {
        assertTrustedServerKey(stranger, 'udp', null);
      } catch (e) {
        return e as RescueError;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(RescueError);
    expect(error!.code).toBe('SERVER_KEY_UNTRUSTED');
    expect(error!.message).toMatch(/^This server key \(SHA-256 [0-9a-f]{16}…\) is not a genuine Particle Cloud UDP key/);
    expect(error!.fix).toMatch(/assets\/keys/);
  });

  it('buildServerKeySlot: key at 0, address at 384/192, port at 450/258, only when given; a key too long for the slot is refused', () => {
    const spki = new Uint8Array(91).fill(0x30);
    const udp = buildServerKeySlot('udp', spki, { host: '1.2.3.4', port: 0x1234 });
    expect(udp.length).toBe(320);
    expect(Array.from(udp.subarray(90, 93))).toEqual([0x30, 0xff, 0xff]);
    expect(Array.from(udp.subarray(192, 198))).toEqual([0, 4, 1, 2, 3, 4]);
    expect(Array.from(udp.subarray(258, 260))).toEqual([0x12, 0x34]);
    const noPort = buildServerKeySlot('tcp', new Uint8Array(294).fill(0x30), { host: 'a.b' });
    expect(Array.from(noPort.subarray(384, 389))).toEqual([1, 3, 0x61, 0x2e, 0x62]);
    expect(Array.from(noPort.subarray(450, 452))).toEqual([0xff, 0xff]);
    const noAddress = buildServerKeySlot('udp', spki, null);
    expect(noAddress.subarray(91).every((b) => b === 0xff)).toBe(true);
    expect(buildServerKeySlot('udp', new Uint8Array(192).fill(1), null)[191]).toBe(1);
    expect(() => buildServerKeySlot('udp', new Uint8Array(193), null)).toThrow(RangeError);
  });

  it('address record: IPv4 only up to 255, printable ASCII domains of 1–64 bytes', () => {
    expect(Array.from(encodeAddressRecord('255.0.0.1').subarray(0, 6))).toEqual([0, 4, 255, 0, 0, 1]);
    expect(Array.from(encodeAddressRecord('256.0.0.1').subarray(0, 2))).toEqual([1, 9]);
    expect(encodeAddressRecord('x'.repeat(64))[1]).toBe(64);
    expect(() => encodeAddressRecord('x'.repeat(65))).toThrow(RangeError);
    expect(() => encodeAddressRecord('')).toThrow(RangeError);
    expect(() => encodeAddressRecord('a b')).toThrow(RangeError);
    const record = encodeAddressRecord('h');
    expect(record.length).toBe(128);
    expect(record.subarray(3).every((b) => b === 0xff)).toBe(true);
  });

  it('readServerAddress: ports 0 and 0xFFFF mean the default; invalid records mean the default address', () => {
    const slot = buildServerKeySlot('tcp', null, null);
    slot.set(encodeAddressRecord('example.com'), 384);
    slot.set([0, 0], 450);
    expect(readServerAddress(slot, 'tcp')).toEqual({ kind: 'domain', host: 'example.com', port: 5683 });
    slot.set([0x00, 0x50], 450);
    expect(readServerAddress(slot, 'tcp').port).toBe(80);
    slot[386] = 0x20; // a space: not printable as the firmware's parser wants
    expect(readServerAddress(slot, 'tcp')).toEqual({ kind: 'default', host: 'device.spark.io', port: 5683 });
    slot.set([1, 65], 384);
    expect(readServerAddress(slot, 'tcp').kind).toBe('default');
    slot.set([0, 3], 384);
    expect(readServerAddress(slot, 'tcp').kind).toBe('default');
    expect(formatAddress({ kind: 'default', host: 'h', port: 1 })).toBe('h:1 (firmware default)');
    expect(formatAddress({ kind: 'ipv4', host: 'h', port: 1 })).toBe('h:1');
  });
});
