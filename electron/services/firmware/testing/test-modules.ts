import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildModuleImage, type ModuleImageSpec } from '../../../lab/firmware-images';
import { crc32 } from '../crc32';

/** Test-only: module binaries and archives built the way Device OS builds them (lab builder). */
export type TestModuleSpec = Partial<ModuleImageSpec> & Pick<ModuleImageSpec, 'function' | 'startAddress'>;

export function testModule(spec: TestModuleSpec): Uint8Array {
  return buildModuleImage({
    platformId: 6,
    index: spec.function === 'systemPart' ? 1 : spec.function === 'userPart' ? 1 : 0,
    version: 2302,
    size: 0x1000,
    prefixOffset: spec.function === 'userPart' ? 0 : 0x184,
    ...spec,
  });
}

export const photonSystemPart1 = (version = 2302, extra: Partial<ModuleImageSpec> = {}) =>
  testModule({ function: 'systemPart', index: 1, version, startAddress: 0x08020000, size: 0x2000, dependency: { function: 'systemPart', index: 2, version: 207 }, ...extra });
export const photonSystemPart2 = (version = 2302, extra: Partial<ModuleImageSpec> = {}) =>
  testModule({
    function: 'systemPart', index: 2, version, startAddress: 0x08060000, size: 0x2000, seed: version + 7,
    dependency: { function: 'systemPart', index: 1, version }, dependency2: { function: 'bootloader', index: 0, version: 1003 }, ...extra,
  });
export const photonUserPart = (seed = 1, extra: Partial<ModuleImageSpec> = {}) =>
  testModule({ function: 'userPart', index: 1, version: 6, startAddress: 0x080a0000, size: 0x1400, seed, dependency: { function: 'systemPart', index: 2, version: 2302 }, ...extra });

/** Rewrite the SHA-256 and CRC after a test edits a module, as a build would. */
export function reseal(image: Uint8Array): Uint8Array {
  const out = new Uint8Array(image);
  const len = out.length;
  const view = new DataView(out.buffer);
  out.set(createHash('sha256').update(out.subarray(0, len - 38)).digest(), len - 38);
  view.setUint32(len - 4, crc32(out.subarray(0, len - 4)), false);
  return out;
}

/** A zip archive (stored or deflated members) with the fields the reader checks. */
export function testZip(entries: { name: string; data: Uint8Array; method?: 0 | 8 | 12; flags?: number }[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(e.data) : Buffer.from(e.data);
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.flags ?? 0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, eocd]));
}

/** `../shared/fixtures/binaries` beside the repository, when this machine has it. */
export function fixturesDir(): string | null {
  const dir = resolve(join(__dirname, '../../../../../shared/fixtures/binaries'));
  return existsSync(dir) ? dir : null;
}
