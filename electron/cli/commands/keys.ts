import { readFile } from 'node:fs/promises';
import type { KeyHealth, RepairResult, ServerKeySource } from '../../../shared/contract/keys';
import { findLedPattern } from '../../../shared/domain/led-catalog';
import { platformById } from '../../../shared/domain/platforms';
import { RescueError } from '../../../shared/errors';
import type { Services } from '../../services/container';
import type { CliCommand, CliEnv, ParsedArgs } from '../types';

/** Mirrors operation progress to the terminal (button instructions, upload retries…). */
function followProgress(services: Services, env: CliEnv): () => void {
  let last = '';
  return services.bus.subscribe((event, payload) => {
    if (event !== 'operations.progress') return;
    const message = (payload as { message: string }).message;
    if (message !== last) env.print(`  ${message}`);
    last = message;
  });
}

export function formatHealth(h: KeyHealth): string[] {
  const verdict = h.verdict ?? (h.healthy ? 'good' : 'bad');
  const head = { good: 'keys healthy', bad: 'keys need repair', unknown: 'keys not proven (unknown)' }[verdict];
  const lines = [`${h.deviceId}: ${head} (${h.protocol.toUpperCase()}, profile ${h.profileId})`, `  ${h.summary}`];
  if (h.protected) return lines;
  const pk = h.privateKey;
  lines.push(`  device key:  ${pk.state}${pk.algorithm ? ` ${pk.algorithm}` : ''}${pk.publicKeySha256 ? `, public key SHA-256 ${pk.publicKeySha256.slice(0, 16)}…` : ''}`);
  if (pk.matchesDevicePublicKey !== null) lines.push(`  public key field: ${pk.matchesDevicePublicKey ? 'matches' : 'differs (Device OS refreshes it on boot)'}`);
  const sk = h.serverKey;
  lines.push(`  server key:  ${sk.state}${sk.sha256 ? ` (SHA-256 ${sk.sha256.slice(0, 16)}…)` : ''}, address ${sk.address.host}:${sk.address.port}${sk.address.kind === 'default' ? ' (default)' : ''}`);
  lines.push(`  cloud link:  ${h.cloudConnected === null ? 'not checked' : h.cloudConnected ? 'connected' : 'keeps failing'}`);
  for (const q of h.questions ?? []) lines.push(`  ${q.question}: ${q.verdict} (${q.source}) — ${q.evidence}`);
  for (const p of h.problems) lines.push(`  problem: ${p}`);
  for (const n of h.notes) lines.push(`  note: ${n}`);
  return lines;
}

function repairHeadline(r: RepairResult): string {
  if (r.action !== 'none-needed') return `${r.deviceId}: key repair done (${r.action}).`;
  if (r.needsDecision) return `${r.deviceId}: nothing written — the keys could not be proven good or bad; your decision is needed.`;
  const verdict = r.found?.verdict ?? (r.found?.healthy === false ? 'bad' : 'good');
  return verdict === 'good' ? `${r.deviceId}: keys were healthy, nothing written.` : `${r.deviceId}: nothing written.`;
}

export function formatRepair(r: RepairResult): string[] {
  const lines = [
    repairHeadline(r),
    `  device key written: ${r.keyWritten ? 'yes' : 'no'}, server key written: ${r.serverKeyWritten ? 'yes' : 'no'}, upload: ${r.upload}`,
    `  cloud connection: ${r.cloudConnected === null ? 'not confirmed yet' : r.cloudConnected ? 'online (breathing cyan)' : 'not reached in time'}`,
  ];
  if (r.backups?.length) for (const b of r.backups) lines.push(`  backup: ${b.backupId} (${b.location})`);
  else if (r.backupId) lines.push(`  backup: ${r.backupId}`);
  if (r.keyFile) lines.push(`  key kept at: ${r.keyFile}`);
  for (const m of r.messages) lines.push(`  ${m}`);
  return lines;
}

async function serverKeySource(args: ParsedArgs, services: Services, deviceId: string): Promise<ServerKeySource> {
  const raw = args.flags['server-key'];
  if (raw === undefined || raw === 'auto') return { kind: 'auto' };
  if (raw === 'profile' || raw === 'blank' || raw === 'keep') return { kind: raw };
  if (typeof raw !== 'string') throw new RescueError('INVALID_INPUT', '--server-key needs a value.', 'Use auto, profile, blank, keep, cli, device:<id> or a key file.');
  if (raw.startsWith('device:')) return { kind: 'device', deviceId: raw.slice(7) };
  let file = raw;
  if (raw === 'cli') {
    const device = await services.devices.find(deviceId);
    const protocol = platformById(device.platformId)?.protocol ?? 'udp';
    const found = (await services.keys.serverKeyCandidates()).find((c) => c.protocol === protocol && c.genuine);
    if (!found) throw new RescueError('NOT_FOUND', 'No genuine server key file of an installed Particle CLI was found.', 'Pass the file yourself: --server-key <path to rsa.pub.der or ec.pub.der>, or use --server-key blank.');
    file = found.path;
  }
  const data = await readFile(file).catch((error: unknown) => {
    throw new RescueError('FILE_ERROR', `Could not read ${file}: ${(error as Error).message}.`, 'Check the file name.');
  });
  return { kind: 'file', dataBase64: data.toString('base64') };
}

function productFlag(args: ParsedArgs): number | undefined {
  const raw = args.flags.product;
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value <= 0) throw new RescueError('INVALID_INPUT', `--product needs a product id number, got "${String(raw)}".`, 'Example: --product 12345');
  return value;
}

export const diagnoseCommand: CliCommand = {
  name: 'diagnose',
  summary: 'Check the cloud keys of a device (read-only): device key, server key and address, cloud link.',
  usage: 'diagnose [deviceId] [--json] [--virtual <scenario>]',
  async run(args, env) {
    const services = await env.services();
    const deviceId = await env.deviceId(args.positionals[0]);
    const stop = followProgress(services, env);
    try {
      const health = await services.operations.run('health-check', deviceId, (ctx) => services.keys.healthCheck(deviceId, ctx));
      if (env.json) env.printJson(health);
      else for (const line of formatHealth(health)) env.print(line);
      // Unknown is never healthy: exit 0 only for keys proven good.
      return health.healthy && health.verdict !== 'unknown' ? 0 : 1;
    } finally {
      stop();
    }
  },
};

export const repairKeysCommand: CliCommand = {
  name: 'repair-keys',
  summary: 'One-click key repair: back up, regenerate or restore, write, verify, upload, confirm. Resumes an interrupted repair.',
  usage:
    'repair-keys [deviceId] [--server-key auto|profile|blank|keep|cli|device:<id>|<file>] [--product N] [--no-backup-key] [--led <pattern>] [--regenerate] [--json] [--virtual <scenario>]',
  options: { 'server-key': 'string', product: 'string', 'no-backup-key': 'boolean', led: 'string', regenerate: 'boolean' },
  async run(args, env) {
    const services = await env.services();
    const deviceId = await env.deviceId(args.positionals[0]);
    const serverKey = await serverKeySource(args, services, deviceId);
    const productId = productFlag(args);
    const preferBackupKey = args.flags['no-backup-key'] !== true;
    const led = args.flags.led;
    if (led !== undefined && (typeof led !== 'string' || !findLedPattern(led))) {
      throw new RescueError('INVALID_INPUT', `--led needs an LED pattern id, got "${String(led)}".`, 'Examples: cyan-red-burst, cyan-orange-burst-1, breathing-cyan.');
    }
    const regenerateIfUnknown = args.flags.regenerate === true;
    const stop = followProgress(services, env);
    try {
      const result = await services.operations.run('repair-keys', deviceId, (ctx) =>
        services.keys.repair(deviceId, { serverKey, productId, preferBackupKey, ...(typeof led === 'string' ? { ledPatternId: led } : {}), regenerateIfUnknown }, ctx),
      );
      if (env.json) env.printJson(result);
      else for (const line of formatRepair(result)) env.print(line);
      // Success only when the cloud confirmed, or nothing needed writing on proven-good keys.
      if (result.needsDecision) return 1;
      return result.cloudConnected === true || (result.action === 'none-needed' && result.found?.verdict !== 'unknown') ? 0 : 1;
    } finally {
      stop();
    }
  },
};

export const commands: CliCommand[] = [diagnoseCommand, repairKeysCommand];
