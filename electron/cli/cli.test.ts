import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
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

  it('prints its version, and the help of one command as `help <command>` and `<command> --help`', async () => {
    const version = await cli('--version');
    expect(version.code).toBe(0);
    expect(version.out).toMatch(/^particle-rescue \d+\.\d+\.\d+\n$/);
    const help = await cli('help', 'repair-keys');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: particle-rescue repair-keys');
    expect((await cli('repair-keys', '--help')).out).toBe(help.out);
  });

  it('exits 2 with what was wrong and the usage for every kind of usage mistake', async () => {
    const mistakes: [string[], RegExp][] = [
      [['flash', '0123456789abcdef01234567', 'app.bin', '--dryrun'], /^Unknown option --dryrun\. Did you mean --dry-run\?\n\nUsage: particle-rescue flash/],
      [['backups', '--verify=yes'], /^Option --verify takes no value\./],
      [['dfu', 'read', '0123456789abcdef01234567', '--out'], /^Option --out needs a value\./],
      [['logs', '--level', '--json'], /^Option --level needs a value, but the next word starts with "-"/],
      [['diagnose', '--virtual', 'nope', '--data-dir', dataDir], /^There is no virtual device scenario "nope"\. Known scenarios: photon-healthy, /],
      [['diagnose', 'xyz', '--virtual', 'photon-healthy', '--data-dir', dataDir], /^"xyz" is not a device ID/m],
      [['frobnicate', '--json'], /^Unknown command "frobnicate"/],
    ];
    for (const [argv, message] of mistakes) {
      const run = await cli(...argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.err, argv.join(' ')).toMatch(message);
      expect(run.out, argv.join(' ')).toBe('');
    }
  });

  it('a typo in a write option writes nothing: no backup, no report', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'rescue-cli-typo-'));
    const typo = await cli('repair-keys', '--virtual', 'photon-seed', '--data-dir', scratch, '--no-backup-keys');
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/^Unknown option --no-backup-keys\. Did you mean --no-backup-key\?/);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('acts on the only attached device when none is named, and says so when there is none', async () => {
    const only = await cli('diagnose', '--virtual', 'photon-healthy', '--lab-timing', 'fast', '--data-dir', dataDir, '--json');
    expect(only.code).toBe(0);
    expect(JSON.parse(only.out).deviceId).toMatch(/^[0-9a-f]{24}$/);
  });

  it('diagnoses the device ID given as the first argument, not another one', async () => {
    const wrong = await cli('diagnose', 'ffffffffffffffffffffffff', '--virtual', 'photon-healthy', '--lab-timing', 'fast', '--data-dir', dataDir, '--json');
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.out).error.code).toBe('DEVICE_NOT_FOUND');
    const bad = await cli('diagnose', 'not-an-id', '--virtual', 'photon-healthy', '--data-dir', dataDir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/"not-an-id" is not a device ID[\s\S]*Usage: particle-rescue diagnose/);
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
