import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { RescueError } from '../../../shared/errors';
import { writeFileAtomic } from '../backups/atomic-file';

/** JSON written atomically and owner-only (0600): profiles, the upload queue and reports. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writePrivateFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** An atomic 0600 write whose failure the user can act on. */
export async function writePrivateFile(file: string, content: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(file, content);
  } catch (error) {
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
