import type { CliCommand } from '../types';
import { deviceAndPaths, planThenFlash, readFiles } from './firmware';

/**
 * `particle update` for a rescue: the Device OS release for the device's platform (system parts), fetched
 * through the signed-in cloud's Device OS versions API and verified, or taken from the cache when offline, or
 * from the files / release zip given on the command line. The plan is printed before anything is written.
 */
export const command: CliCommand = {
  name: 'update',
  summary: 'Install Device OS on a device: the release for its platform from the cloud (verified, cached in the data folder; the cache works offline) or from the files/zip given.',
  usage: 'update <deviceId> [FILE…] [--version X] [--allow-downgrade] [--dry-run] [--json] [--virtual <scenario>]',
  // Here --version names the Device OS to install (as `particle update` does), not this tool's version.
  options: { version: 'string', 'allow-downgrade': 'boolean', 'dry-run': 'boolean' },
  async run(args, env) {
    const { deviceId, paths } = await deviceAndPaths(args.positionals, env);
    const services = await env.services();
    const version = typeof args.flags.version === 'string' ? args.flags.version : 'latest';
    let files;
    if (paths.length > 0) {
      files = await readFiles(paths);
      if (!env.json) env.print(`Device OS from ${paths.join(', ')}`);
    } else {
      const release = await services.firmware.deviceOsRelease(deviceId, version);
      files = release.files;
      if (!env.json) {
        const from = release.source === 'cloud' ? 'downloaded from the cloud, verified (CRC-32, SHA-256, platform, dependencies) and cached' : 'from the cache in the data folder, verified';
        env.print(`Device OS ${release.version}: ${release.files.map((f) => f.fileName).join(', ')} (${from})`);
      }
    }
    return planThenFlash(services, deviceId, files, env, args.flags);
  },
};
