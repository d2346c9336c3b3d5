import { RescueError } from '../../../shared/errors';
import type { DeviceModuleInfo } from '../control/module-info';
import { crc32 } from './crc32';
import { slotsFor, type FlashSlot } from './flash-slots';
import { CRC_SIZE, PREFIX_OFFSETS, PREFIX_SIZE, functionFromCode } from './module-format';
import { implausible, readPrefix, type Prefix } from './module-parser';
import type { FlashSession } from './firmware-ports';

const DFU_ALT = 0;
/** Enough bytes at a slot's start to hold the prefix at any known offset (firmware-modules.md §2.3). */
const HEAD_BYTES = Math.max(...PREFIX_OFFSETS) + PREFIX_SIZE;
const STEP = 0x1000;

/** Validation bits as the device reports them (firmware-modules.md §3.2). */
export const CHECK = { integrity: 0x02, dependencies: 0x04, range: 0x08, platform: 0x10 } as const;

interface Found {
  slot: FlashSlot;
  start: number;
  prefix: Prefix;
  failed: number;
}

/** Where a module of this slot may start; a RTL872x user part grows down, so the highest start comes first. */
function candidates(slot: FlashSlot): number[] {
  if (slot.startMax === slot.startMin) return [slot.startMin];
  const out: number[] = [];
  for (let a = slot.startMax - (slot.startMax % STEP); a >= slot.startMin; a -= STEP) out.push(a);
  return out;
}

/** The module prefix at `start`, if one names this slot's function and this start address. */
function prefixAt(head: Uint8Array, slot: FlashSlot, start: number): Prefix | null {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (const offset of PREFIX_OFFSETS) {
    if (offset + PREFIX_SIZE > head.length) continue;
    const p = readPrefix(view, offset);
    if (p.start !== start || functionFromCode(p.functionCode) !== slot.function) continue;
    if (slot.index !== null && p.index !== slot.index) continue;
    // An unknown platform is still a module (it fails the platform check); other nonsense is not a module.
    const reason = implausible(p, offset);
    if (reason === null || reason.startsWith('unknown platform')) return p;
  }
  return null;
}

async function readOrNull(session: FlashSession, address: number, length: number, signal?: AbortSignal): Promise<Uint8Array | null> {
  try {
    return await session.read(DFU_ALT, address, length, undefined, signal);
  } catch (error) {
    if (RescueError.is(error, 'REGION_NOT_READABLE') || RescueError.is(error, 'DFU_STATUS_ERROR') || RescueError.is(error, 'DFU_STALL')) return null;
    throw error;
  }
}

async function probeSlot(session: FlashSession, platformId: number, slot: FlashSlot, signal?: AbortSignal): Promise<Found | null | 'unreadable'> {
  for (const start of candidates(slot)) {
    const head = await readOrNull(session, start, HEAD_BYTES, signal);
    if (head === null) return 'unreadable';
    const prefix = prefixAt(head, slot, start);
    if (!prefix) continue;
    let failed = 0;
    if (prefix.platformId !== platformId) failed |= CHECK.platform;
    const crcAt = prefix.end;
    if (crcAt + CRC_SIZE > slot.end) {
      failed |= CHECK.range | CHECK.integrity;
    } else {
      const image = await readOrNull(session, start, crcAt - start + CRC_SIZE, signal);
      const view = image && new DataView(image.buffer, image.byteOffset, image.byteLength);
      if (!image || !view || view.getUint32(crcAt - start, false) !== crc32(image.subarray(0, crcAt - start))) failed |= CHECK.integrity;
    }
    return { slot, start, prefix, failed };
  }
  return null;
}

/**
 * The device's modules read from internal flash over DFU, validated the way the device validates them on boot
 * (prefix, range, platform, CRC-32, then dependencies among the modules found): the same shape the module-info
 * control request gives in normal mode. Null when the flash cannot be read (e.g. Device Protection).
 * Modules this app does not place (radio stack) are not looked for, so a dependency on one is not judged.
 */
export async function readDfuInventory(
  session: FlashSession,
  platformId: number,
  signal?: AbortSignal,
): Promise<DeviceModuleInfo[] | null> {
  const slots = (slotsFor(platformId) ?? []).filter((s) => s.route !== 'unsupported');
  const found: Found[] = [];
  let readable = 0;
  for (const slot of slots) {
    // Gen 3 keeps two candidate system and user slots; the first module found for a function+index wins.
    if (found.some((f) => f.slot.function === slot.function && (slot.index === null || f.prefix.index === slot.index))) continue;
    const result = await probeSlot(session, platformId, slot, signal);
    if (result === 'unreadable') continue;
    readable += 1;
    if (result) found.push(result);
  }
  if (readable === 0) return null;
  for (const f of found) {
    for (const dep of f.prefix.deps) {
      if (dep.functionCode === 0) continue;
      const fn = functionFromCode(dep.functionCode);
      if (!slots.some((s) => s.function === fn)) continue;
      const provider = found.find((o) => o.prefix.functionCode === dep.functionCode && o.prefix.index === dep.index && (o.failed & (CHECK.integrity | CHECK.platform)) === 0);
      if (!provider || provider.prefix.version < dep.version) f.failed |= CHECK.dependencies;
    }
  }
  return found.map((f): DeviceModuleInfo => ({
    function: f.slot.function,
    index: f.prefix.index,
    version: f.prefix.version,
    size: f.prefix.end - f.start + CRC_SIZE,
    failedChecks: f.failed,
    valid: f.failed === 0,
    store: 'main',
    dependencies: f.prefix.deps.filter((d) => d.functionCode !== 0).map((d) => ({ function: functionFromCode(d.functionCode), index: d.index, version: d.version })),
  }));
}
