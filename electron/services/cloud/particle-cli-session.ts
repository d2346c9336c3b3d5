import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ParticleCliSession {
  username: string | null;
  token: string;
  /** The cloud that token belongs to (the CLI's `apiUrl`, the Particle Cloud when unset). */
  apiBaseUrl: string;
  /** The settings file it came from, to tell the user. */
  file: string;
}

async function readJson(path: string): Promise<Record<string, unknown> | null> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The sign-in of an installed Particle CLI, read (never written) from its settings folder:
 * `~/.particle/profile.json` names the active profile, `~/.particle/<profile>.config.json` holds its
 * `access_token`, `username` and optional `apiUrl`. Null when there is none or it cannot be read.
 */
export async function particleCliSession(home = homedir()): Promise<ParticleCliSession | null> {
  const dir = join(home, '.particle');
  const profile = (await readJson(join(dir, 'profile.json')))?.name;
  const name = typeof profile === 'string' && /^[\w.-]+$/.test(profile) ? profile : 'particle';
  const file = join(dir, `${name}.config.json`);
  const settings = await readJson(file);
  const token = settings?.access_token;
  if (typeof token !== 'string' || !/^[\w.-]{8,}$/.test(token)) return null;
  const username = typeof settings?.username === 'string' ? settings.username : null;
  const apiUrl = typeof settings?.apiUrl === 'string' && settings.apiUrl ? settings.apiUrl.replace(/\/+$/, '') : 'https://api.particle.io';
  return { username, token, apiBaseUrl: apiUrl, file };
}
