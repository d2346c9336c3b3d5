import { access, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CloudProtocol } from '../../../shared/domain/platforms';

export interface CliKeyCandidate {
  protocol: CloudProtocol;
  path: string;
}

export interface CliKeySearchEnv {
  home: string;
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  exists(path: string): Promise<boolean>;
  list(dir: string): Promise<string[]>;
}

const FILES: Record<CloudProtocol, string> = { tcp: 'rsa.pub.der', udp: 'ec.pub.der' };

async function nodeModuleRoots(env: CliKeySearchEnv): Promise<string[]> {
  const roots: string[] = [];
  const prefix = env.env.npm_config_prefix ?? env.env.NPM_CONFIG_PREFIX;
  if (prefix) roots.push(env.platform === 'win32' ? join(prefix, 'node_modules') : join(prefix, 'lib', 'node_modules'));
  // The Particle CLI installers put their own Node tree under ~/.particle.
  roots.push(join(env.home, '.particle', 'node_modules'));
  if (env.platform === 'win32') {
    if (env.env.APPDATA) roots.push(join(env.env.APPDATA, 'npm', 'node_modules'));
    if (env.env.LOCALAPPDATA) roots.push(join(env.env.LOCALAPPDATA, 'particle', 'node_modules'));
  } else {
    roots.push('/usr/local/lib/node_modules', '/usr/lib/node_modules', '/opt/homebrew/lib/node_modules', join(env.home, '.npm-global', 'lib', 'node_modules'));
    const nvm = join(env.home, '.nvm', 'versions', 'node');
    for (const version of await env.list(nvm)) roots.push(join(nvm, version, 'lib', 'node_modules'));
  }
  return roots;
}

/**
 * Where an installed Particle CLI keeps its genuine server key files (`assets/keys/{rsa,ec}.pub.der`).
 * Only existing files are returned; the caller still checks each against the genuine hashes.
 */
export async function findParticleCliKeyFiles(env: CliKeySearchEnv = defaultSearchEnv()): Promise<CliKeyCandidate[]> {
  const found: CliKeyCandidate[] = [];
  const seen = new Set<string>();
  for (const root of await nodeModuleRoots(env)) {
    for (const protocol of ['tcp', 'udp'] as const) {
      const path = join(root, 'particle-cli', 'assets', 'keys', FILES[protocol]);
      if (seen.has(path)) continue;
      seen.add(path);
      if (await env.exists(path)) found.push({ protocol, path });
    }
  }
  return found;
}

export function defaultSearchEnv(): CliKeySearchEnv {
  return {
    home: homedir(),
    platform: process.platform,
    env: process.env,
    exists: (path) => access(path).then(() => true, () => false),
    list: (dir) => readdir(dir).catch(() => []),
  };
}
