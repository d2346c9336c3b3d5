import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli';
import { allCommands } from './commands';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, allCommands, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

describe('particle-rescue CLI, as a user runs it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rescue-cli-'));

  it('lists every command in --help and refuses an unknown one with usage', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const name of ['devices', 'dfu', 'diagnose', 'repair-keys', 'backup', 'backups', 'restore', 'inspect', 'flash', 'rescue', 'logs', 'lab']) {
      expect(help.out).toContain(`  ${name}`);
    }
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command "frobnicate"');
  });

  it('diagnoses the device ID given as the first argument, not another one', async () => {
    const wrong = await cli('diagnose', 'ffffffffffffffffffffffff', '--virtual', 'photon-healthy', '--lab-timing', 'fast', '--data-dir', dataDir, '--json');
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.out).error.code).toBe('DEVICE_NOT_FOUND');
    const bad = await cli('diagnose', 'not-an-id', '--virtual', 'photon-healthy', '--data-dir', dataDir);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/not a device ID[\s\S]*What to do:/);
  });

  it('repairs a virtual photon-seed and lists its backup', async () => {
    const repair = await cli('repair-keys', '--virtual', 'photon-seed', '--lab-timing', 'fast', '--data-dir', dataDir, '--json');
    expect(repair.code).toBe(0);
    const result = JSON.parse(repair.out);
    expect(result.action).toBe('generated');
    expect(result.upload).toBe('done');
    const backups = await cli('backups', result.deviceId, '--data-dir', dataDir, '--json');
    expect(JSON.parse(backups.out).backups.map((b: { backupId: string }) => b.backupId)).toContain(result.backupId);
  });
});
