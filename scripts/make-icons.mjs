// Draws the app icon (a cyan rescue ring around a white cross) and writes it as PNG at every size the
// installers use: resources/icon.png (512) for electron-builder's Windows/macOS conversion and
// resources/icons/NxN.png for the Linux hicolor theme. No image library: the PNG is encoded by hand
// so the icon set can be regenerated on any machine without extra packages.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes 8-bit RGBA pixels (row-major, 4 bytes each) as a PNG file. */
export function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const RING = [0x00, 0xae, 0xef];
const BACKGROUND = [0x12, 0x1f, 0x2e];
const CROSS = [0xff, 0xff, 0xff];

/** Colour and coverage at a point given in unit coordinates (0..1 across the icon). */
function shade(u, v) {
  const dx = u - 0.5;
  const dy = v - 0.5;
  const r = Math.hypot(dx, dy);
  if (r > 0.48) return null;
  if (r > 0.34) return RING;
  const arm = 0.07;
  const reach = 0.22;
  const onCross = (Math.abs(dx) < arm && Math.abs(dy) < reach) || (Math.abs(dy) < arm && Math.abs(dx) < reach);
  return onCross ? CROSS : BACKGROUND;
}

/** Renders the icon at `size` pixels with 4x4 supersampling so small sizes stay smooth. */
export function renderIcon(size) {
  const samples = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sum = [0, 0, 0];
      let covered = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = shade((x + (sx + 0.5) / samples) / size, (y + (sy + 0.5) / samples) / size);
          if (!colour) continue;
          covered++;
          for (let i = 0; i < 3; i++) sum[i] += colour[i];
        }
      }
      const offset = (y * size + x) * 4;
      if (covered > 0) for (let i = 0; i < 3; i++) rgba[offset + i] = Math.round(sum[i] / covered);
      rgba[offset + 3] = Math.round((255 * covered) / (samples * samples));
    }
  }
  return encodePng(size, size, rgba);
}

export function writeIcons(resourcesDir) {
  mkdirSync(join(resourcesDir, 'icons'), { recursive: true });
  for (const size of ICON_SIZES) {
    writeFileSync(join(resourcesDir, 'icons', `${size}x${size}.png`), renderIcon(size));
  }
  writeFileSync(join(resourcesDir, 'icon.png'), renderIcon(512));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const resourcesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');
  writeIcons(resourcesDir);
  console.log(`icons written to ${resourcesDir}`);
}
