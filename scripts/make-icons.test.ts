import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ICON_SIZES, encodePng, renderIcon } from './make-icons.mjs';

const RESOURCES = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');

/** Splits a PNG into its chunks, checking the signature and every chunk's length. */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const found: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    found.push({ type: png.toString('ascii', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return found;
}

describe('app icons', () => {
  it('encodes RGBA pixels as a PNG that inflates back to them', () => {
    const rgba = Buffer.from([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 9, 9, 9, 9]);
    const parts = chunks(encodePng(2, 2, rgba));
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(parts[0].data.readUInt32BE(0)).toBe(2);
    expect(parts[0].data[9]).toBe(6);
    const raw = inflateSync(parts[1].data);
    expect(raw).toEqual(Buffer.concat([Buffer.from([0]), rgba.subarray(0, 8), Buffer.from([0]), rgba.subarray(8)]));
  });

  it('are committed exactly as the script draws them, 512 px for the installers', () => {
    expect(readFileSync(join(RESOURCES, 'icon.png'))).toEqual(renderIcon(512));
    for (const size of ICON_SIZES) {
      expect(readFileSync(join(RESOURCES, 'icons', `${size}x${size}.png`)), `${size}`).toEqual(renderIcon(size));
    }
  });
});
