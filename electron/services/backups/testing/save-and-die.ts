/**
 * Child process for the backup kill test: saves one backup and SIGKILLs itself right before the
 * KILL_AT-th file-system step (0 = never). A step is one call of open / mkdir / rename / rm, or one
 * FileHandle writeFile / sync / close; a killed writeFile first writes half of its data, so torn files
 * happen too. Prints `steps <n>` and `saved <backupId>` when it lives to the end.
 *
 * Run as a bundled CommonJS file (the test bundles it with esbuild): the store's imports then read
 * the patched functions from the fs/promises module object at call time.
 */
import type { FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { BackupStore } from '../backup-store';

const killAt = Number(process.env.KILL_AT ?? '0');
let steps = 0;

function step(): void {
  steps += 1;
  if (steps === killAt) process.kill(process.pid, 'SIGKILL');
}

function patchHandle(handle: FileHandle): FileHandle {
  const writeFile = handle.writeFile.bind(handle);
  const sync = handle.sync.bind(handle);
  const close = handle.close.bind(handle);
  handle.writeFile = (async (data: Uint8Array | string) => {
    steps += 1;
    if (steps === killAt) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      await writeFile(bytes.subarray(0, Math.floor(bytes.length / 2)));
      await sync();
      process.kill(process.pid, 'SIGKILL');
    }
    return writeFile(data);
  }) as FileHandle['writeFile'];
  handle.sync = async () => {
    step();
    return sync();
  };
  handle.close = async () => {
    step();
    return close();
  };
  return handle;
}

// The plain CommonJS module object (an ES namespace import would be read-only).
const mutable = createRequire(__filename)('node:fs/promises') as Record<string, (...args: unknown[]) => Promise<unknown>>;
for (const name of ['mkdir', 'rename', 'rm']) {
  const original = mutable[name];
  mutable[name] = async (...args: unknown[]) => {
    step();
    return original(...args);
  };
}
const originalOpen = mutable.open;
mutable.open = async (...args: unknown[]) => {
  step();
  return patchHandle((await originalOpen(...args)) as FileHandle);
};

async function main(): Promise<void> {
  const store = new BackupStore(process.env.BACKUP_DIR!);
  const dct = new Uint8Array(Buffer.from(process.env.DCT_HEX!, 'hex'));
  const backup = await store.save({
    deviceId: process.env.DEVICE_ID!,
    platformId: 6,
    kind: 'dct',
    reason: 'kill test',
    files: [
      { name: 'dct.bin', data: dct },
      { name: 'key-slots.bin', data: dct.subarray(0, 64) },
    ],
  });
  process.stdout.write(`steps ${steps}\nsaved ${backup.backupId}\n`);
}

void main();
