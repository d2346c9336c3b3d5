import { join } from 'node:path';
import { z } from 'zod';
import { CloudProfileSchema, type CloudProfile } from '../../../shared/contract/cloud';
import { RescueError } from '../../../shared/errors';
import { readJsonFile, writeJsonAtomic } from './atomic-json';

/** The genuine cloud: no server keys listed means the genuine Particle keys and default addresses. */
export const PARTICLE_PROFILE: CloudProfile = {
  id: 'particle',
  name: 'Particle Cloud',
  kind: 'particle',
  apiBaseUrl: 'https://api.particle.io',
  serverKeys: {},
  serverAddress: {},
};

const ProfilesFileSchema = z.object({
  version: z.literal(1),
  activeId: z.string(),
  profiles: z.array(CloudProfileSchema),
});

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Cloud profiles: the built-in Particle Cloud, private clouds the user saved (in
 * `<dataDir>/cloud-profiles.json`) and clouds registered at run time such as the lab's virtual cloud.
 */
export class CloudProfileStore {
  private saved: CloudProfile[] = [];
  private readonly registered = new Map<string, CloudProfile>();
  private activeId = PARTICLE_PROFILE.id;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'cloud-profiles.json');
  }

  /** Loads the saved profiles; a damaged file is reported and the built-in profile is used. */
  async load(): Promise<{ warning: string | null }> {
    try {
      const data = await readJsonFile(this.file, ProfilesFileSchema);
      if (data) {
        this.saved = data.profiles.filter((p) => p.kind === 'private');
        this.activeId = data.activeId;
      }
      return { warning: null };
    } catch (error) {
      return { warning: error instanceof Error ? error.message : 'cloud profiles unreadable' };
    }
  }

  list(): CloudProfile[] {
    return [PARTICLE_PROFILE, ...this.saved, ...this.registered.values()];
  }

  get(id: string): CloudProfile | undefined {
    return this.list().find((p) => p.id === id);
  }

  /** The active profile; falls back to the Particle Cloud when a run-time profile is gone. */
  active(): CloudProfile {
    return this.get(this.activeId) ?? PARTICLE_PROFILE;
  }

  async use(id: string): Promise<CloudProfile> {
    const profile = this.get(id);
    if (!profile) {
      throw new RescueError('NOT_FOUND', `There is no cloud profile "${id}".`, 'Pick one of the profiles listed in Settings → Cloud.');
    }
    this.activeId = id;
    await this.persist();
    return profile;
  }

  async save(input: CloudProfile): Promise<void> {
    const profile = CloudProfileSchema.parse(input);
    if (profile.kind !== 'private' || this.registered.has(profile.id) || profile.id === PARTICLE_PROFILE.id) {
      throw new RescueError(
        'INVALID_INPUT',
        `Profile "${profile.id}" cannot be saved: only private cloud profiles can be added or changed.`,
        'Give the profile its own id and the kind "private".',
      );
    }
    const url = new URL(profile.apiBaseUrl);
    if (url.protocol !== 'https:' && !LOOPBACK.has(url.hostname)) {
      throw new RescueError(
        'INVALID_INPUT',
        'A private cloud API must use https (plain http only on this computer).',
        'Use the https:// address of the private cloud so the access token is never sent in clear.',
      );
    }
    this.saved = [...this.saved.filter((p) => p.id !== profile.id), profile];
    await this.persist();
  }

  /** Adds a cloud for this run only (the lab's virtual cloud); never written to disk. */
  register(profile: CloudProfile): void {
    this.registered.set(profile.id, CloudProfileSchema.parse(profile));
  }

  private async persist(): Promise<void> {
    await writeJsonAtomic(this.file, { version: 1, activeId: this.activeId, profiles: this.saved });
  }
}
