import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CloudProfile } from '../../../shared/contract/cloud';
import { writeFileAtomic } from '../backups/atomic-file';
import type { DeviceKey } from './key-generation';

const KnownSchema = z.object({
  version: z.literal(2),
  entries: z.array(z.object({ cloudId: z.string(), deviceId: z.string(), publicKeySha256: z.string(), at: z.string() })),
});
type Known = z.infer<typeof KnownSchema>;

/**
 * The identity of a cloud, for records of which keys it holds: the profile, its instance (each lab's
 * virtual cloud is a new one) and its server keys. A record made with another cloud never matches, so a
 * fresh lab or a re-keyed private cloud is never trusted with an old record.
 */
export function cloudIdentity(profile: Pick<CloudProfile, 'id' | 'instanceId' | 'serverKeys'>): string {
  const keys = createHash('sha256').update(`${profile.serverKeys.tcp ?? ''}|${profile.serverKeys.udp ?? ''}`).digest('hex').slice(0, 16);
  return `${profile.id}@${profile.instanceId ?? 'default'}#${keys}`;
}

/**
 * Device keys this app made or restored, kept on disk (0600) before they go anywhere else, so a
 * device never holds a key that exists nowhere else. Also remembers which public keys a cloud is
 * known to hold (uploaded by us, or seen working) — what makes an offline repair possible.
 */
export class KeyStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'keys');
  }

  /** Persists the private key (DER) and its public key (PEM); returns the private key's path. */
  async save(deviceId: string, key: DeviceKey, now = new Date()): Promise<string> {
    const stamp = now.toISOString().replace(/[-:.]/g, '').toLowerCase();
    const base = join(this.dir, deviceId, `${stamp}-${key.algorithm}`);
    await writeFileAtomic(`${base}.pub.pem`, key.publicKeyPem);
    await writeFileAtomic(`${base}.der`, key.privateKeyDer);
    return `${base}.der`;
  }

  async load(path: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(path));
  }

  /** Every private key file kept for a device, newest first. */
  async files(deviceId: string): Promise<string[]> {
    const names = await readdir(join(this.dir, deviceId)).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.der')).sort().reverse().map((n) => join(this.dir, deviceId, n));
  }

  async markKnown(cloudId: string, deviceId: string, publicKeySha256: string): Promise<void> {
    const known = await this.readKnown();
    if (known.entries.some((e) => e.cloudId === cloudId && e.deviceId === deviceId && e.publicKeySha256 === publicKeySha256)) return;
    known.entries.push({ cloudId, deviceId, publicKeySha256, at: new Date().toISOString() });
    await writeFileAtomic(this.knownFile(), JSON.stringify(known, null, 2));
  }

  /** Forgets a key the cloud turned out not to accept any more. */
  async forgetKnown(cloudId: string, deviceId: string, publicKeySha256: string): Promise<void> {
    const known = await this.readKnown();
    const entries = known.entries.filter((e) => !(e.cloudId === cloudId && e.deviceId === deviceId && e.publicKeySha256 === publicKeySha256));
    if (entries.length !== known.entries.length) await writeFileAtomic(this.knownFile(), JSON.stringify({ ...known, entries }, null, 2));
  }

  async isKnown(cloudId: string, deviceId: string, publicKeySha256: string): Promise<boolean> {
    return (await this.readKnown()).entries.some((e) => e.cloudId === cloudId && e.deviceId === deviceId && e.publicKeySha256 === publicKeySha256);
  }

  /** Whether this cloud is recorded as holding some other key for the device. */
  async knowsOtherKey(cloudId: string, deviceId: string, publicKeySha256: string): Promise<boolean> {
    return (await this.readKnown()).entries.some((e) => e.cloudId === cloudId && e.deviceId === deviceId && e.publicKeySha256 !== publicKeySha256);
  }

  private knownFile(): string {
    return join(this.dir, 'known-to-cloud.json');
  }

  private async readKnown(): Promise<Known> {
    const text = await readFile(this.knownFile(), 'utf8').catch(() => null);
    let parsed: ReturnType<typeof KnownSchema.safeParse> | null = null;
    try {
      parsed = text ? KnownSchema.safeParse(JSON.parse(text)) : null;
    } catch {
      // An unreadable registry only means we know less: no key is then restored offline.
    }
    return parsed?.success ? parsed.data : { version: 2, entries: [] };
  }
}
