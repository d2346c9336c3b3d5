import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_SLOTS } from '../../../shared/domain/dct-layout';
import { BackupStore } from '../backups/backup-store';
import { RepairJournalSchema } from './repair-journal';

/**
 * Issue 17 / issue 11: a real child process runs the one-click repair on a lab device and is SIGKILLed
 * at a step boundary; the next process continues with the same device (its DCT, mode and the cloud's
 * key are kept in a folder by the test-only child, electron/services/keys/testing/repair-child.ts).
 */
const ROOT = resolve(__dirname, '../../..');
const CHILD = join(ROOT, 'node_modules/.cache/particle-rescue-tests/repair-child.cjs');
const dirs: string[] = [];

beforeAll(async () => {
  await mkdir(join(ROOT, 'node_modules/.cache/particle-rescue-tests'), { recursive: true });
  await build({
    entryPoints: [join(__dirname, 'testing/repair-child.ts')],
    outfile: CHILD,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
}, 60_000);
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

interface ChildRun {
  lines: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
}

/** Runs the child; when `killAt` is given, SIGKILLs it as soon as it reports that step. */
function runChild(stateDir: string, scenario: string, killAt: string | null): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CHILD], {
      cwd: ROOT,
      env: { ...process.env, STATE_DIR: stateDir, SCENARIO: scenario, ...(killAt ? { STOP_AT: killAt } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        if (killAt && line === `STEP ${killAt}`) child.kill('SIGKILL');
      }
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (code !== null && code !== 0) fail(new Error(`child exited ${code}: ${lines.join('\n')}\n${stderr}`));
      else done({ lines, signal, code });
    });
  });
}

const field = (run: ChildRun, name: string): string => run.lines.find((l) => l.startsWith(`${name} `))!.slice(name.length + 1);

describe('one-click repair killed with SIGKILL, resumed by a new process', () => {
  for (const [scenario, killAt] of [
    ['photon-seed', 'entered-dfu'],
    ['photon-seed', 'backup-saved'],
    ['photon-seed', `dct-write@${KEY_SLOTS.tcp.privateKey.offset}`],
    ['argon-seed', 'left-dfu'],
  ] as const) {
    it(`${scenario}: killed at "${killAt}", the original key survives and the rerun fixes the device`, async () => {
      const stateDir = await mkdtemp(join(tmpdir(), 'keys-kill-'));
      dirs.push(stateDir);
      const first = await runChild(stateDir, scenario, killAt);
      expect(first.signal).toBe('SIGKILL');
      expect(first.lines.at(-1)).toBe(`STEP ${killAt}`);
      const deviceId = field(first, 'DEVICE');
      const original = new Uint8Array(Buffer.from(field(first, 'ORIGINAL'), 'base64'));
      const protocol = scenario === 'photon-seed' ? 'tcp' : 'udp';
      const slot = KEY_SLOTS[protocol].privateKey;

      // The journal was written before the device changed, and records only what happened.
      const journal = RepairJournalSchema.parse(JSON.parse(await readFile(join(stateDir, 'data/journal', `${deviceId}.json`), 'utf8')));
      expect(journal.foundIn).toBe('normal');
      expect(journal.evidence).toMatchObject({ cloudConnected: false, source: 'cloud-probe' });
      const expectedSteps = {
        'entered-dfu': ['started'],
        // The backup is on disk, the journal does not list it yet: the rerun backs up again before writing.
        'backup-saved': ['started', 'health-checked'],
        [`dct-write@${KEY_SLOTS.tcp.privateKey.offset}`]: ['started', 'health-checked', 'backed-up', 'key-saved'],
        'left-dfu': ['started', 'health-checked', 'backed-up', 'key-saved', 'dct-written'],
      }[killAt];
      expect(journal.steps).toEqual(expectedSteps);

      // Invariant: the original key is on the device or in a verified backup.
      const state = JSON.parse(await readFile(join(stateDir, 'lab-state.json'), 'utf8')) as { dct: string; usbMode: string };
      const onDevice = Buffer.from(state.dct, 'base64').subarray(slot.offset, slot.offset + slot.length);
      const backups = new BackupStore(join(stateDir, 'data/backups'));
      const saved = [];
      for (const b of await backups.list(deviceId)) {
        if ((await backups.verify(b.backupId)).ok) saved.push(await backups.read(b.backupId, `${protocol}-private-key.bin`));
      }
      const keptSomewhere = Buffer.compare(onDevice, Buffer.from(original)) === 0 || saved.some((k) => Buffer.compare(Buffer.from(k), Buffer.from(original)) === 0);
      expect(keptSomewhere).toBe(true);
      if (killAt === 'entered-dfu') expect(state.usbMode).toBe('dfu');

      const second = await runChild(stateDir, scenario, null);
      const final = JSON.parse(field(second, 'RESULT')) as {
        result: { action: string; cloudConnected: boolean; backupId: string | null };
        usbMode: string;
        cloudOnline: boolean;
        led: string;
        pending: unknown[];
      };
      expect(final.result).toMatchObject({ action: 'generated', cloudConnected: true });
      // Not left in DFU; online; nothing pending.
      expect(final.usbMode).toBe('normal');
      expect(final).toMatchObject({ cloudOnline: true, led: 'breathing-cyan', pending: [] });
      // The original key is in a verified backup.
      const after = await backups.list(deviceId);
      const originals = [];
      for (const b of after) {
        if (!(await backups.verify(b.backupId)).ok) continue;
        const key = await backups.read(b.backupId, `${protocol}-private-key.bin`);
        if (Buffer.compare(Buffer.from(key), Buffer.from(original)) === 0) originals.push(b.backupId);
      }
      expect(originals.length).toBeGreaterThan(0);
    }, 120_000);
  }
});
