import type { BackupSummary } from '../../../shared/contract/backups';
import { RescueError } from '../../../shared/errors';
import type { RestoreFirmwareResult } from '../../../shared/contract/firmware';
import type { CliCommand, CliEnv } from '../types';

export function formatBackups(backups: BackupSummary[]): string[] {
  if (backups.length === 0) return ['No backups yet.'];
  return backups.map((b) => `${b.backupId}  ${b.kind.padEnd(8)} ${b.createdAt}  ${b.reason}  (${b.files.length} files in ${b.location})`);
}

export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'Back up the DCT (keys, server key, settings) of a device now.',
  usage: 'backup [deviceId] [--json] [--virtual <scenario>]',
  async run(args, env) {
    const services = await env.services();
    const deviceId = await env.deviceId(args.positionals[0]);
    const backup = await services.operations.run('backup', deviceId, (ctx) => services.keys.backupNow(deviceId, ctx));
    if (env.json) env.printJson(backup);
    else env.print(`Backed up ${deviceId} as ${backup.backupId} in ${backup.location}.`);
    return 0;
  },
};

export const backupsCommand: CliCommand = {
  name: 'backups',
  summary: 'List backups (newest first), optionally of one device; --verify re-hashes every file.',
  usage: 'backups [deviceId] [--verify] [--json]',
  options: { verify: 'boolean' },
  async run(args, env) {
    const services = await env.services();
    const backups = await services.backups.list(args.positionals[0]);
    if (args.flags.verify === true) {
      const checks = await Promise.all(backups.map(async (b) => ({ backupId: b.backupId, ...(await services.backups.verify(b.backupId)) })));
      if (env.json) env.printJson({ backups, checks });
      else for (const c of checks) env.print(`${c.backupId}  ${c.ok ? 'ok' : `DAMAGED: ${c.problems.join(' ')}`}`);
      return checks.every((c) => c.ok) ? 0 : 1;
    }
    if (env.json) env.printJson({ backups });
    else for (const line of formatBackups(backups)) env.print(line);
    return 0;
  },
};

function printFirmwareRestore(result: RestoreFirmwareResult, deviceId: string, env: CliEnv): void {
  if (result.restored.length === 0) env.print(`Backup ${result.backupId} holds no intact modules to write back; nothing written.`);
  for (const r of result.restored) env.print(`Restored ${r.name} to 0x${r.address.toString(16).padStart(8, '0')} (${r.length} bytes) on ${deviceId}, verified.`);
  if (result.safetyBackupId) env.print(`What it held before is in backup ${result.safetyBackupId}.`);
}

export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'Write a DCT backup back to its device (keys, server key, claim code; never boot flags), verified.',
  usage: 'restore <backupId> [--upload-key | --force] [--json] [--virtual <scenario>]',
  options: { 'upload-key': 'boolean', force: 'boolean' },
  async run(args, env) {
    const backupId = args.positionals[0];
    if (!backupId) throw new RescueError('INVALID_INPUT', 'restore needs a backup id.', 'Run `particle-rescue backups` to list them.');
    const services = await env.services();
    const backup = await services.backups.get(backupId);
    // Restoring a key the cloud is not known to hold is a decision: upload its public key, or force.
    const decision = { force: args.flags.force === true, uploadKey: args.flags['upload-key'] === true };
    const result = await services.operations.run('restore', backup.deviceId, (ctx) => services.keys.restoreBackup(backupId, ctx, decision));
    if (env.json) {
      env.printJson(result);
      return 0;
    }
    if (!('written' in result)) {
      printFirmwareRestore(result.result as RestoreFirmwareResult, backup.deviceId, env);
      return 0;
    }
    env.print(result.written.length ? `Restored ${result.written.join(', ')} to ${result.deviceId}, verified.` : `${result.deviceId} already matched the backup; nothing written.`);
    if (result.safetyBackupId) env.print(`What it held before is in backup ${result.safetyBackupId}.`);
    for (const m of result.messages ?? []) env.print(m);
    return result.upload === 'failed' ? 1 : 0;
  },
};

export const commands: CliCommand[] = [backupCommand, backupsCommand, restoreCommand];
