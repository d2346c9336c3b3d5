import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RescueError } from '../../../shared/errors';
import { writeFileAtomic } from './lab-state';

/** What a running lab service publishes in its folder (mode 0600): how to reach it. */
export interface LabRecord {
  port: number;
  token: string;
  pid: number;
  started: string;
  labId: string;
}

export const RECORD_FILE = 'lab.json';

/** A mistake in how the lab is used (exit code 2 in the CLI): says what to do. */
export function labUsageError(message: string, fix: string): RescueError {
  return new RescueError('INVALID_INPUT', message, fix, { usage: true });
}

export function isUsageError(error: unknown): boolean {
  return error instanceof RescueError && error.details?.usage === true;
}

/** `<dataDir>/lab` unless `--lab-dir`/`--lab <dir>` or PARTICLE_RESCUE_LAB_DIR names another folder. */
export function resolveLabDir(dataDir: string, given?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (given) return resolve(given);
  if (env.PARTICLE_RESCUE_LAB_DIR) return resolve(env.PARTICLE_RESCUE_LAB_DIR);
  return join(dataDir, 'lab');
}

export function ensureLabDir(labDir: string): void {
  mkdirSync(labDir, { recursive: true, mode: 0o700 });
}

export function readLabRecord(labDir: string): LabRecord | null {
  try {
    const record = JSON.parse(readFileSync(join(labDir, RECORD_FILE), 'utf8')) as LabRecord;
    return typeof record.port === 'number' && typeof record.token === 'string' ? record : null;
  } catch {
    return null;
  }
}

export function writeLabRecord(labDir: string, record: LabRecord): void {
  writeFileAtomic(join(labDir, RECORD_FILE), JSON.stringify(record, null, 2));
}

/** Removes lab.json only when it is still ours (a lab that took over a stale folder keeps its own). */
export function removeLabRecord(labDir: string, pid: number): void {
  if (readLabRecord(labDir)?.pid === pid) rmSync(join(labDir, RECORD_FILE), { force: true });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function labUrl(record: Pick<LabRecord, 'port'>, path: string): string {
  return `http://127.0.0.1:${record.port}${path}`;
}

/** True when the recorded lab answers on its port with its token (a live pid alone may be a reused one). */
export async function labAnswers(record: LabRecord, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(labUrl(record, '/lab/status'), { headers: { authorization: `Bearer ${record.token}` }, signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}
