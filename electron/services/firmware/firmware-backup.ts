import { z } from 'zod';
import { RescueError } from '../../../shared/errors';
import type { OperationContext } from '../operations/operation-runner';
import type { BackupRegion } from './flash-plan';
import type { FirmwareBackups, FlashSession } from './firmware-ports';
import { hex } from './module-format';
import { parseModule } from './module-parser';

export const LAYOUT_FILE = 'layout.json';

const LayoutSchema = z.object({
  format: z.literal(1),
  entries: z.array(
    z.object({
      name: z.string(),
      what: z.string(),
      alt: z.number().int(),
      address: z.number().int(),
      length: z.number().int(),
      /** false for raw copies of damaged regions: kept as evidence, never written back. */
      restorable: z.boolean(),
    }),
  ),
});
export type BackupLayout = z.infer<typeof LayoutSchema>;
type Entry = BackupLayout['entries'][number];

function slug(what: string): string {
  return what.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
}

/** Valid modules of the expected kind found at the candidate start addresses of a region read from flash. */
function modulesIn(region: BackupRegion, data: Uint8Array): { address: number; image: Uint8Array }[] {
  const found: { address: number; image: Uint8Array }[] = [];
  for (const start of region.starts) {
    const offset = start - region.address;
    if (offset < 0 || offset >= data.length) continue;
    try {
      const m = parseModule('flash', data.subarray(offset));
      if (m.info.function === region.function && m.info.startAddress === start && m.info.crcOk && m.crcCoverage === 'module') {
        found.push({ address: start, image: m.image });
      }
    } catch (error) {
      if (!(error instanceof RescueError)) throw error;
    }
  }
  return found;
}

/**
 * Reads every region over DFU and stores the valid modules found there (trimmed to their own length, so a
 * restore writes exactly what was there) plus a layout file saying where each one goes back.
 */
export async function backUpRegions(
  session: FlashSession,
  backups: FirmwareBackups,
  target: { deviceId: string; platformId: number; reason: string },
  regions: BackupRegion[],
  ctx: OperationContext,
): Promise<string> {
  const files: { name: string; data: Uint8Array }[] = [];
  const entries: Entry[] = [];
  const total = regions.reduce((n, r) => n + r.length, 0);
  let before = 0;
  for (const region of regions) {
    ctx.throwIfCancelled();
    const data = await session.read(
      region.alt,
      region.address,
      region.length,
      (p) => ctx.progress({ phase: 'backup', message: `Backing up ${region.what}`, bytesDone: before + p.bytesDone, bytesTotal: total }),
      ctx.signal,
    );
    before += region.length;
    const modules = modulesIn(region, data);
    for (const m of modules) {
      const name = `${slug(region.what)}-${m.address.toString(16)}.bin`;
      files.push({ name, data: m.image });
      entries.push({ name, what: region.what, alt: region.alt, address: m.address, length: m.image.length, restorable: true });
    }
    if (modules.length === 0 && region.keepRaw && data.some((b) => b !== 0xff)) {
      const name = `${slug(region.what)}-${region.address.toString(16)}-raw.bin`;
      files.push({ name, data });
      entries.push({ name, what: `${region.what} (damaged, kept as evidence)`, alt: region.alt, address: region.address, length: data.length, restorable: false });
    }
    ctx.log('backup', 'info', `${region.what} at ${hex(region.address)}: ${modules.length} valid module(s) kept`);
  }
  const layout: BackupLayout = { format: 1, entries };
  files.push({ name: LAYOUT_FILE, data: new TextEncoder().encode(JSON.stringify(layout, null, 2)) });
  const summary = await backups.save({ ...target, kind: 'firmware', files });
  return summary.backupId;
}

export async function readLayout(backups: FirmwareBackups, backupId: string): Promise<BackupLayout> {
  const raw = await backups.read(backupId, LAYOUT_FILE);
  let json: unknown = null;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    // reported below as a corrupt layout
  }
  const parsed = LayoutSchema.safeParse(json);
  if (!parsed.success) {
    throw new RescueError('BACKUP_CORRUPT', `Backup ${backupId} has no readable firmware layout.`, 'Choose another backup; this one cannot be restored automatically.');
  }
  return parsed.data;
}
