import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OperationLog } from '../operations/operation-log';
import { CloudService } from './cloud-service';
import { MemoryTokenVault, createSafeStorageVault, type SafeStorageLike } from './token-vault';

/** Stands in for Electron's safeStorage: a reversible transform, switchable availability. */
function fakeSafeStorage(available = true): SafeStorageLike & { available: boolean } {
  return {
    available,
    isEncryptionAvailable() {
      return this.available;
    },
    encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).reverse().toString('base64')}`),
    decryptString: (b) => {
      const text = b.toString();
      if (!text.startsWith('enc:')) throw new Error('not ours');
      return Buffer.from(text.slice(4), 'base64').reverse().toString();
    },
  };
}

describe('token vaults', () => {
  let dir: string;
  let file: string;
  const token = '0123456789abcdef0123456789abcdef01234567';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vault-'));
    file = join(dir, 'cloud-token.bin');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('memory vault keeps the token for the process only', async () => {
    const vault = new MemoryTokenVault();
    expect(await vault.load()).toBeNull();
    await vault.save(token);
    expect(await vault.load()).toBe(token);
    await vault.clear();
    expect(await vault.load()).toBeNull();
  });

  it('safe-storage vault writes only ciphertext, 0600, and reads it back in a new vault', async () => {
    const safe = fakeSafeStorage();
    const vault = createSafeStorageVault(safe, file);
    expect(vault.kind).toBe('safe-storage');
    await vault.save(token);
    const onDisk = await readFile(file, 'utf8');
    expect(onDisk).not.toContain(token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await createSafeStorageVault(safe, file).load()).toBe(token);
    await vault.clear();
    expect(await createSafeStorageVault(safe, file).load()).toBeNull();
  });

  it('never writes the token in clear when the OS offers no encryption', async () => {
    const safe = fakeSafeStorage(false);
    const vault = createSafeStorageVault(safe, file);
    expect(vault.kind).toBe('memory');
    await vault.save(token);
    expect(await vault.load()).toBe(token);
    await expect(stat(file)).rejects.toThrow();
  });

  it('treats ciphertext it cannot decrypt as no token', async () => {
    await writeFile(file, 'garbage');
    expect(await createSafeStorageVault(fakeSafeStorage(), file).load()).toBeNull();
  });

  it('lets CloudService report where the token is kept and restore the session after a restart', async () => {
    const safe = fakeSafeStorage();
    const make = () =>
      new CloudService({
        dataDir: dir,
        opLog: new OperationLog(null),
        vault: createSafeStorageVault(safe, CloudService.vaultFile(dir)),
        api: () => ({
          login: async () => ({ token }),
          sendOtp: async () => token,
          username: async () => 'demo@particle.rescue',
          device: async () => ({ online: true, connected: true, lastHeard: null }),
          sendPublicKey: async () => undefined,
        }),
      });
    await make().login('demo@particle.rescue', 'rescue-demo');
    expect(await make().session()).toMatchObject({ loggedIn: true, username: 'demo@particle.rescue', tokenStorage: 'safe-storage' });
    expect(await readFile(CloudService.vaultFile(dir), 'utf8')).not.toContain(token);
  });
});
