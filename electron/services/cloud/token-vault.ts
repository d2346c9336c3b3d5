import { readFile, rm } from 'node:fs/promises';
import { writePrivateFile } from './atomic-json';

/** Where the cloud access token is kept between runs. */
export interface TokenVault {
  readonly kind: 'safe-storage' | 'os-keyring' | 'memory';
  load(): Promise<string | null>;
  save(token: string): Promise<void>;
  clear(): Promise<void>;
}

/** Browser mode and tests: the token lives only as long as the process. */
export class MemoryTokenVault implements TokenVault {
  readonly kind = 'memory' as const;
  private value: string | null = null;

  async load(): Promise<string | null> {
    return this.value;
  }

  async save(token: string): Promise<void> {
    this.value = token;
  }

  async clear(): Promise<void> {
    this.value = null;
  }
}

/** The part of Electron's `safeStorage` the vault uses; passed in so this file never imports Electron. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * Keeps the token encrypted by the OS keychain (Electron safeStorage) in `file`. When the OS offers no
 * encryption the token is never written in clear: it is kept in memory only and `kind` says so.
 */
export function createSafeStorageVault(safeStorage: SafeStorageLike, file: string): TokenVault {
  const memory = new MemoryTokenVault();
  const encrypted = (): boolean => safeStorage.isEncryptionAvailable();
  return {
    get kind() {
      return encrypted() ? 'safe-storage' : 'memory';
    },
    async load() {
      if (!encrypted()) return memory.load();
      let data: Buffer;
      try {
        data = await readFile(file);
      } catch {
        return memory.load();
      }
      try {
        return safeStorage.decryptString(data);
      } catch {
        // Encrypted by another OS user or keychain: unusable, so ask for a new login.
        return null;
      }
    },
    async save(token) {
      if (!encrypted()) {
        await rm(file, { force: true });
        return memory.save(token);
      }
      await writePrivateFile(file, safeStorage.encryptString(token));
    },
    async clear() {
      await memory.clear();
      await rm(file, { force: true });
    },
  };
}
