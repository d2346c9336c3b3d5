import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { CloudProtocol } from '../../../shared/domain/platforms';
import type { CliKeyCandidate } from './particle-cli-keys';

const FILES: Record<CloudProtocol, string> = { tcp: 'rsa.pub.der', udp: 'ec.pub.der' };

/**
 * Folders that may hold the server keys shipped with the app (resources/server-keys): the packaged
 * app's resources folder, then the source tree (this file and the built main bundle both sit three
 * folders below the project root).
 */
export function bundledServerKeyDirs(resourcesPath: string | undefined = (process as { resourcesPath?: string }).resourcesPath): string[] {
  const dirs = resourcesPath ? [join(resourcesPath, 'server-keys')] : [];
  dirs.push(join(__dirname, '..', '..', '..', 'resources', 'server-keys'));
  return dirs;
}

/** The genuine Particle server key slot images shipped with the app, first folder that has them. */
export async function findBundledServerKeys(dirs: string[] = bundledServerKeyDirs()): Promise<CliKeyCandidate[]> {
  for (const dir of dirs) {
    const found: CliKeyCandidate[] = [];
    for (const protocol of ['tcp', 'udp'] as const) {
      const path = join(dir, FILES[protocol]);
      if (await access(path).then(() => true, () => false)) found.push({ protocol, path });
    }
    if (found.length > 0) return found;
  }
  return [];
}
