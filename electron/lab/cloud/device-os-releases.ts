import type { IncomingMessage, ServerResponse } from 'node:http';
import { labPlatforms, type LabPlatform } from '../platforms/lab-platforms';
import { RELEASES, releaseModules, type DeviceOsRelease } from '../scenarios/firmware-sets';
import { CloudHttpError } from './cloud-http';

/**
 * The Particle Cloud's Device OS versions API as particle-cli's `update` uses it:
 * `GET /v1/device-os/versions/:version?platform_id=N` (signed in; `latest` works) answers the version, a base URL
 * and the modules' file names; each file is then fetched from `<base_url>/<filename>`. The releases are built by
 * the lab (releaseModules: realistic prefixes, dependencies, suffix, SHA-256 and CRC).
 */
interface ServedModule {
  filename: string;
  function: 'bootloader' | 'systemPart' | 'userPart';
  image: Uint8Array;
}

const VERSIONS_PATH = /^\/v1\/device-os\/versions\/([^/]+)$/;
const FILES_PATH = /^\/v1\/firmware\/device-os\/v([^/]+)\/([^/]+)$/;
/** Which Device OS lines each generation gets (Gen 2 ends with 2.3.x; the P2 starts with 5.x). */
const LINES: Record<2 | 3 | 4, string[]> = { 2: ['0.6.4', '2.3.1'], 3: ['2.3.1', '4.2.0', '6.2.0'], 4: ['6.2.0'] };
// particle-cli's prefixInfo.moduleFunction strings.
const FUNCTION_NAME = { bootloader: 'bootloader', systemPart: 'system_part', userPart: 'user_part' } as const;

function semverKey(v: string): number {
  const [a, b, c] = v.split('.').map(Number);
  return a * 1_000_000 + b * 1000 + c;
}

/** Release file names: Electron's "system-part1" holds module index 3 (firmware-modules.md §5.2), so name by address order. */
function fileName(platform: LabPlatform, fn: ServedModule['function'], partNumber: number, version: string): string {
  if (fn === 'bootloader') return `${platform.name}-bootloader@${version}.bin`;
  if (fn === 'userPart') return `${platform.name}-tinker@${version}.bin`;
  return `${platform.name}-system-part${partNumber}@${version}.bin`;
}

export class DeviceOsReleases {
  private readonly cache = new Map<string, ServedModule[]>();
  private readonly corrupt = new Set<string>();

  constructor(private readonly authorize: (req: IncomingMessage, url: URL) => void) {}

  /** Versions this cloud serves for a platform, oldest first. */
  versions(platformId: number): string[] {
    const platform = labPlatforms().find((p) => p.id === platformId);
    return platform ? [...LINES[platform.generation]].sort((a, b) => semverKey(a) - semverKey(b)) : [];
  }

  /** Fault injection: the next downloads of this file answer with one byte flipped. */
  corruptFile(filename: string): void {
    this.corrupt.add(filename);
  }

  modules(platformId: number, version: string): ServedModule[] {
    const key = `${platformId}@${version}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const platform = labPlatforms().find((p) => p.id === platformId)!;
    const release: DeviceOsRelease = (RELEASES as Record<string, DeviceOsRelease>)[version];
    const images = releaseModules(platform, release, semverKey(version) % 997);
    const systemSlots = platform.slots.filter((s) => s.function === 'systemPart').sort((a, b) => b.address - a.address);
    const served = platform.slots.map((slot, i): ServedModule => {
      const fn = slot.function as ServedModule['function'];
      // Electron: part1 is the highest address (index 3); elsewhere parts follow their index.
      const part = platform.id === 10 ? systemSlots.indexOf(slot) + 1 : slot.index;
      return { filename: fileName(platform, fn, part, version), function: fn, image: images[i].image };
    });
    this.cache.set(key, served);
    return served;
  }

  /** Answers the request when it is one of this API's routes; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, baseUrl: string): boolean {
    const path = url.pathname.replace(/\/+$/, '');
    if ((req.method ?? 'GET') !== 'GET') return false;
    const versions = VERSIONS_PATH.exec(path);
    if (versions) {
      this.authorize(req, url);
      const platformId = Number(url.searchParams.get('platform_id'));
      const known = this.versions(platformId);
      if (known.length === 0) throw new CloudHttpError(404, 'not_found', `No Device OS releases for platform ${url.searchParams.get('platform_id')}.`);
      const asked = decodeURIComponent(versions[1]);
      const version = asked === 'latest' ? known.at(-1)! : asked;
      if (!known.includes(version)) throw new CloudHttpError(404, 'not_found', `Device OS ${asked} is not available for platform ${platformId}.`);
      const body = {
        version,
        internal_version: (RELEASES as Record<string, DeviceOsRelease>)[version].system,
        base_url: `${baseUrl}/v1/firmware/device-os/v${version}`,
        modules: this.modules(platformId, version).map((m) => ({ filename: m.filename, prefixInfo: { moduleFunction: FUNCTION_NAME[m.function] } })),
      };
      const text = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return true;
    }
    const file = FILES_PATH.exec(path);
    if (!file) return false;
    const version = decodeURIComponent(file[1]);
    const filename = decodeURIComponent(file[2]);
    const platform = labPlatforms().find((p) => filename.startsWith(`${p.name}-`));
    const found = platform && this.versions(platform.id).includes(version) ? this.modules(platform.id, version).find((m) => m.filename === filename) : undefined;
    if (!found) throw new CloudHttpError(404, 'not_found', `No file ${filename} in Device OS ${version}.`);
    const bytes = Buffer.from(found.image);
    if (this.corrupt.has(filename)) bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
    res.end(bytes);
    return true;
  }
}
