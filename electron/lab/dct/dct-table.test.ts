import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApplicationDct, encodeServerAddress, resolveServerAddress, serverKeySlotImage } from './dct-image';
import { LAB_ADDRESS_RECORD, LAB_DCT_FIELDS, LAB_DCT_SIZE, LAB_DCT_WINDOW, LAB_KEY_TABLE } from './dct-table';

const REFERENCE = join(__dirname, '../../../../shared/reference/dct-and-keys.md');
const haveReference = existsSync(REFERENCE);

describe('lab DCT table: literal offsets from dct-and-keys.md', () => {
  it('key slots (§1.1), public-key fields (§1.2), server address and port (§2.1)', () => {
    expect(LAB_KEY_TABLE.tcp).toEqual({
      privateKey: { offset: 34, length: 612 },
      publicKey: { offset: 1250, length: 384 },
      serverKey: { offset: 2082, length: 512 },
      addressOffsetInSlot: 384,
      portOffsetInSlot: 450,
      defaultHost: 'device.spark.io',
      defaultPort: 5683,
    });
    expect(LAB_KEY_TABLE.udp).toEqual({
      privateKey: { offset: 3106, length: 192 },
      publicKey: { offset: 2978, length: 128 },
      serverKey: { offset: 3298, length: 320 },
      addressOffsetInSlot: 192,
      portOffsetInSlot: 258,
      defaultHost: '$id.udp.particle.io',
      defaultPort: 5684,
    });
    // Absolute positions named in §2.1.
    expect(LAB_KEY_TABLE.tcp.serverKey.offset + LAB_KEY_TABLE.tcp.addressOffsetInSlot).toBe(2466);
    expect(LAB_KEY_TABLE.tcp.serverKey.offset + LAB_KEY_TABLE.tcp.portOffsetInSlot).toBe(2532);
    expect(LAB_KEY_TABLE.udp.serverKey.offset + LAB_KEY_TABLE.udp.addressOffsetInSlot).toBe(3490);
    expect(LAB_KEY_TABLE.udp.serverKey.offset + LAB_KEY_TABLE.udp.portOffsetInSlot).toBe(3556);
  });

  it('address record (§2.2) and other fields (§9)', () => {
    expect(LAB_ADDRESS_RECORD).toEqual({ size: 128, type: 0, length: 1, value: 2, maxValue: 64, port: 66, ipv4: 0, domain: 1 });
    expect(LAB_DCT_FIELDS).toEqual({ claimed: 1825, cloudTransport: 2977, deviceId: 3618, deviceIdLength: 12, setupDone: 8134 });
    expect(LAB_DCT_SIZE).toBe(8391);
    expect(LAB_DCT_WINDOW).toBe(16384);
  });

  it('images the lab builds put each byte at the literal offset', () => {
    const privateKey = Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x07]);
    const serverKey = Uint8Array.from([0x30, 0x02, 0x05, 0x00]);
    const dct = buildApplicationDct({
      protocol: 'udp',
      deviceId: '0123456789abcdef01234567',
      privateKey,
      serverKey,
      serverAddress: { host: '10.1.2.3', port: 0x1234 },
      claimed: true,
      setupDone: true,
    });
    expect(dct.length).toBe(8391);
    expect(Array.from(dct.subarray(3106, 3111))).toEqual(Array.from(privateKey));
    expect(Array.from(dct.subarray(3298, 3302))).toEqual(Array.from(serverKey));
    expect(dct[3302]).toBe(0xff);
    expect(Array.from(dct.subarray(3490, 3496))).toEqual([0, 4, 10, 1, 2, 3]);
    expect(Array.from(dct.subarray(3556, 3558))).toEqual([0x12, 0x34]);
    expect(Array.from(dct.subarray(3618, 3630))).toEqual([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67]);
    expect(dct[1825]).toBe(0x31);
    expect(dct[8134]).toBe(0x01);
    expect(dct[34]).toBe(0xff);
    expect(resolveServerAddress(dct, 'udp', 'ab', 2)).toEqual({ host: '10.1.2.3', port: 0x1234 });

    const tcp = serverKeySlotImage('tcp', serverKey, { host: 'example.com', port: 5683 });
    expect(tcp.length).toBe(512);
    expect(Array.from(tcp.subarray(384, 386))).toEqual([1, 11]);
    expect(Buffer.from(tcp.subarray(386, 397)).toString()).toBe('example.com');
    expect(Array.from(tcp.subarray(450, 452))).toEqual([0x16, 0x33]);
    const record = encodeServerAddress({ host: 'h', port: 1 });
    expect(record.length).toBe(128);
    expect(Array.from(record.subarray(66, 68))).toEqual([0, 1]);
  });

  it('blank address and port fall back to the built-in defaults with $id expanded (§1.3, §2.2)', () => {
    const dct = new Uint8Array(8391).fill(0xff);
    expect(resolveServerAddress(dct, 'udp', 'abc', 3)).toEqual({ host: 'abc.v3.udp.particle.io', port: 5684 });
    expect(resolveServerAddress(dct, 'tcp', 'abc', 2)).toEqual({ host: 'device.spark.io', port: 5683 });
  });

  it('every key-slot row of the reference matches the lab table', (ctx) => {
    ctx.skip(!haveReference, 'needs ../shared/reference beside the checkout (the literal offsets above still pin the table)');
    const text = readFileSync(REFERENCE, 'utf8');
    const row = (name: string) => {
      const match = new RegExp(`^\\| ${name} \\| (\\d+) \\| (\\d+) \\|`, 'm').exec(text);
      expect(match, name).not.toBeNull();
      return { offset: Number(match![1]), length: Number(match![2]) };
    };
    expect(row('tcpPrivateKey')).toEqual(LAB_KEY_TABLE.tcp.privateKey);
    expect(row('tcpServerKey')).toEqual(LAB_KEY_TABLE.tcp.serverKey);
    expect(row('udpPrivateKey')).toEqual(LAB_KEY_TABLE.udp.privateKey);
    expect(row('udpServerKey')).toEqual(LAB_KEY_TABLE.udp.serverKey);
    expect(row('`device_public_key`')).toEqual(LAB_KEY_TABLE.tcp.publicKey);
    expect(row('`alt_device_public_key`')).toEqual(LAB_KEY_TABLE.udp.publicKey);
    expect(text).toContain(`**${LAB_KEY_TABLE.tcp.addressOffsetInSlot}** (abs. 2466)`);
    expect(text).toContain(`**${LAB_KEY_TABLE.udp.portOffsetInSlot}** (abs. 3556)`);
  });
});
