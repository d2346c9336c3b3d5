import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RescueError } from '../../../shared/errors';
import type { FileProblem } from '../../../shared/contract/firmware';
import { checkDependencies } from './dependencies';
import { platformName } from './flash-slots';
import type { FirmwareFile } from './inspect';
import { integrityProblems } from './module-checks';
import { parseModule } from './module-parser';

/** Where the signed-in cloud profile is: the Device OS versions API lives there. */
export interface CloudAccess {
  apiBaseUrl: string;
  token: string;
}

export interface DeviceOsRelease {
  platformId: number;
  version: string;
  /** The Device OS modules written over DFU (system parts), verified; the bootloader and Tinker are not included. */
  files: FirmwareFile[];
  source: 'cloud' | 'cache';
}

const VersionReplySchema = z.object({
  version: z.string().min(1),
  base_url: z.string().url(),
  modules: z.array(z.object({ filename: z.string().min(1) })).min(1),
});

const CachedSchema = z.object({
  platformId: z.number().int(),
  version: z.string(),
  files: z.array(z.object({ name: z.string(), sha256: z.string() })),
});

const SAFE_NAME = /^[A-Za-z0-9._@+-]{1,128}$/;
const TIMEOUT_MS = 60_000;

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function unreachable(what: string, error: unknown): RescueError {
  return new RescueError('CLOUD_UNREACHABLE', `Could not reach the Particle Cloud for ${what}: ${error instanceof Error ? error.message : String(error)}.`, 'Check the internet connection, or pick the Device OS files or release zip yourself.');
}

/**
 * Verifies a Device OS release: every module intact (CRC-32 and SHA-256), built for this platform, a module
 * the device runs (system part, bootloader, app) and, within the set, every dependency met. Returns what is
 * wrong; nothing from a release with a problem is cached or flashed.
 */
export function verifyRelease(platformId: number, files: FirmwareFile[]): FileProblem[] {
  const problems: FileProblem[] = [];
  const infos = [];
  for (const f of files) {
    try {
      const m = parseModule(f.fileName, f.data);
      problems.push(...integrityProblems(m));
      if (m.crcCoverage !== 'module') problems.push({ code: 'BAD_CRC', message: `${f.fileName}: its CRC only matches over the padded file.`, fix: 'Download the release again.' });
      if (m.info.platformId !== platformId) {
        problems.push({ code: 'WRONG_PLATFORM', message: `${f.fileName} is built for ${platformName(m.info.platformId)}, not ${platformName(platformId)}.`, fix: 'Use the release for this platform.' });
      }
      infos.push(m.info);
    } catch (error) {
      if (!(error instanceof RescueError)) throw error;
      problems.push({ code: error.code, message: error.message, fix: error.fix });
    }
  }
  problems.push(...checkDependencies(infos, null).problems);
  return problems;
}

function refused(what: string, problems: FileProblem[]): RescueError {
  return new RescueError(
    problems[0].code as RescueError['code'],
    `${what} failed verification and was not used or kept: ${problems.map((p) => p.message).join(' ')}`,
    'Try again later (the download may have been damaged on the way), or pick the release files yourself.',
    { problems },
  );
}

/**
 * Device OS releases from the cloud profile's Device OS versions API, verified and cached in the data folder
 * (`device-os/<platformId>/<version>/`); offline, the cache answers.
 */
export class DeviceOsStore {
  constructor(
    private readonly dir: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async get(platformId: number, version: string, access: CloudAccess | null, signal?: AbortSignal): Promise<DeviceOsRelease> {
    const what = `Device OS ${version} for ${platformName(platformId)}`;
    let resolved = version;
    let reply: z.infer<typeof VersionReplySchema> | null = null;
    let offline: RescueError | null = access ? null : new RescueError('CLOUD_AUTH_REQUIRED', `Not signed in to a cloud, so ${what} cannot be downloaded.`, 'Sign in in Settings → Cloud, or pick the Device OS files or release zip yourself.');
    if (access) {
      try {
        reply = await this.versionInfo(access, platformId, version, signal);
        resolved = reply.version;
      } catch (error) {
        if (!RescueError.is(error, 'CLOUD_UNREACHABLE')) throw error;
        offline = error;
      }
    }
    if (resolved === 'latest') resolved = (await this.readLatest(platformId)) ?? 'latest';
    const cached = await this.fromCache(platformId, resolved);
    if (cached) return cached;
    if (!reply) {
      throw new RescueError(offline!.code, `${offline!.message} ${what} is not in the cache either.`, offline!.fix);
    }
    return this.download(platformId, reply, version === 'latest', signal);
  }

  private async versionInfo(access: CloudAccess, platformId: number, version: string, signal?: AbortSignal) {
    const url = `${access.apiBaseUrl.replace(/\/+$/, '')}/v1/device-os/versions/${encodeURIComponent(version)}?platform_id=${platformId}`;
    const res = await this.request(url, { authorization: `Bearer ${access.token}` }, `Device OS ${version}`, signal);
    if (res.status === 401) throw new RescueError('CLOUD_AUTH_REQUIRED', 'The cloud did not accept the saved sign-in.', 'Sign in again in Settings → Cloud.');
    if (res.status === 404) throw new RescueError('NOT_FOUND', `The cloud has no Device OS ${version} for ${platformName(platformId)}.`, 'Pick another version (e.g. latest).');
    if (!res.ok) throw new RescueError('CLOUD_REJECTED', `The cloud answered ${res.status} for Device OS ${version}.`, 'Try again later.');
    const parsed = VersionReplySchema.safeParse(await res.json().catch(() => null));
    if (!parsed.success) throw new RescueError('CLOUD_REJECTED', 'The cloud’s Device OS answer is not in the expected form.', 'Try again later, or pick the release files yourself.');
    return parsed.data;
  }

  private async request(url: string, headers: Record<string, string>, what: string, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    try {
      return await this.fetchImpl(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (error) {
      if (signal?.aborted) throw new RescueError('CANCELLED', 'The download was cancelled.', 'Start it again when ready.');
      throw unreachable(what, error);
    }
  }

  private async download(platformId: number, reply: z.infer<typeof VersionReplySchema>, latest: boolean, signal?: AbortSignal): Promise<DeviceOsRelease> {
    const files: FirmwareFile[] = [];
    for (const m of reply.modules) {
      if (!SAFE_NAME.test(m.filename)) throw new RescueError('CLOUD_REJECTED', `The cloud named a Device OS file "${m.filename.replace(/[^\x20-\x7e]/g, '?')}", which is not a plain file name.`, 'Try again later.');
      const res = await this.request(`${reply.base_url.replace(/\/+$/, '')}/${encodeURIComponent(m.filename)}`, {}, m.filename, signal);
      if (!res.ok) throw new RescueError('CLOUD_REJECTED', `The cloud answered ${res.status} for ${m.filename}.`, 'Try again later.');
      files.push({ fileName: m.filename, data: new Uint8Array(await res.arrayBuffer()) });
    }
    const problems = verifyRelease(platformId, files);
    if (problems.length > 0) throw refused(`The download of Device OS ${reply.version}`, problems);
    await this.store(platformId, reply.version, files, latest);
    return { platformId, version: reply.version, files: deviceOsParts(files), source: 'cloud' };
  }

  private folder(platformId: number, version: string): string {
    return join(this.dir, String(platformId), version.replace(/[^A-Za-z0-9.+-]/g, '_'));
  }

  private async store(platformId: number, version: string, files: FirmwareFile[], latest: boolean): Promise<void> {
    const target = this.folder(platformId, version);
    const temp = `${target}.tmp-${process.pid}`;
    await rm(temp, { recursive: true, force: true });
    await mkdir(temp, { recursive: true });
    for (const f of files) await writeFile(join(temp, f.fileName), f.data, { mode: 0o600 });
    const manifest = { platformId, version, files: files.map((f) => ({ name: f.fileName, sha256: sha256(f.data) })) };
    await writeFile(join(temp, 'release.json'), JSON.stringify(manifest, null, 2), { mode: 0o600 });
    await rm(target, { recursive: true, force: true });
    await rename(temp, target);
    if (latest) await writeFile(join(this.dir, String(platformId), 'latest.json'), JSON.stringify({ version }), { mode: 0o600 });
  }

  private async readLatest(platformId: number): Promise<string | null> {
    try {
      const parsed = z.object({ version: z.string() }).safeParse(JSON.parse(await readFile(join(this.dir, String(platformId), 'latest.json'), 'utf8')));
      return parsed.success ? parsed.data.version : null;
    } catch {
      return null;
    }
  }

  /** A cached release, re-verified (hashes from its manifest, then the modules themselves); null when absent or damaged. */
  private async fromCache(platformId: number, version: string): Promise<DeviceOsRelease | null> {
    const folder = this.folder(platformId, version);
    let manifest: z.infer<typeof CachedSchema>;
    try {
      const parsed = CachedSchema.safeParse(JSON.parse(await readFile(join(folder, 'release.json'), 'utf8')));
      if (!parsed.success || parsed.data.platformId !== platformId || parsed.data.version !== version) return null;
      manifest = parsed.data;
    } catch {
      return null;
    }
    const files: FirmwareFile[] = [];
    for (const entry of manifest.files) {
      if (!SAFE_NAME.test(entry.name)) return null;
      const data = new Uint8Array(await readFile(join(folder, entry.name)).catch(() => Buffer.alloc(0)));
      if (sha256(data) !== entry.sha256) return null;
      files.push({ fileName: entry.name, data });
    }
    if (verifyRelease(platformId, files).length > 0) return null;
    return { platformId, version, files: deviceOsParts(files), source: 'cache' };
  }
}

/** `update` installs Device OS only: the system parts (the bootloader goes through normal mode, the app is the user's). */
function deviceOsParts(files: FirmwareFile[]): FirmwareFile[] {
  return files.filter((f) => parseModule(f.fileName, f.data).info.function === 'systemPart');
}
