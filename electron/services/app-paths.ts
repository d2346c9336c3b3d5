import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Particle Rescue';

/**
 * The same folder Electron's app.getPath('userData') gives, so the desktop app, the rescue host and
 * the CLI share backups, journals and reports. PARTICLE_RESCUE_DATA_DIR overrides it (tests, stations).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PARTICLE_RESCUE_DATA_DIR) return env.PARTICLE_RESCUE_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}
