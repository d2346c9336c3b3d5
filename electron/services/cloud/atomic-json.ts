import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import type { z } from 'zod';
import { RescueError } from '../../../shared/errors';

/**
 * Writes JSON so a crash leaves either the old or the new file, never half of one: temp file in the
 * same folder, fsync, rename. Files are 0600 because they may hold tokens' ciphertext or key material.
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new RescueError('FILE_ERROR', `Could not write ${file}.`, 'Check that the app data folder is writable and the disk is not full.', {
      cause: (error as NodeJS.ErrnoException).code ?? 'unknown',
    });
  }
}

/** Reads and validates a JSON file; null when it does not exist. */
export async function readJsonFile<T>(file: string, schema: z.ZodType<T>): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new RescueError('FILE_ERROR', `Could not read ${file}.`, 'Check the permissions of the app data folder.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RescueError('FILE_ERROR', `${file} is not valid JSON.`, 'Move the file away; Particle Rescue starts afresh without it.');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    throw new RescueError('FILE_ERROR', `${file} does not have the expected content.`, 'Move the file away; Particle Rescue starts afresh without it.');
  }
  return result.data;
}
