import type { CloudProfile } from '../../../shared/contract/cloud';
import { readFile } from 'node:fs/promises';
import { findLedPattern } from '../../../shared/domain/led-catalog';
import { platformById } from '../../../shared/domain/platforms';
import type { KeyHealth, PendingRepair, RepairResult, ServerKeyCandidate, ServerKeySource } from '../../../shared/contract/keys';
import type { BackupSummary, RestoreResult } from '../../../shared/contract/backups';
import { KEY_SLOTS } from '../../../shared/domain/dct-layout';
import { RescueError } from '../../../shared/errors';
import type { BackupStore } from '../backups/backup-store';
import type { OperationContext } from '../operations/operation-runner';
import { derPrefix } from './der';
import { findIfAttached, findSoon, openDfu, readDct, refuseProtected, releaseDfu, writeDctVerified, type OpenDfu } from './dfu-access';
import { restoreDctBackup } from './dct-restore';
import { analyzePrivateKeySlot, bytesEqual, sha256Hex } from './key-formats';
import { describeDeviceKey, generateDeviceKey, type DeviceKey } from './key-generation';
import { assessKeys, effectiveProtocol, PROTECTED_MESSAGE, slotOf, unreadableHealth, type AssessInput, type KeyAssessment } from './key-health';
import { cloudIdentity, KeyStore } from './key-store';
import type { KeyCloudPort, KeyDevicesPort, KeyDfuPort } from './ports';
import type { AttachedDevice } from '../usb/attached-device';
import { realSleep, type Sleep } from '../usb/sleep';
import { has, lastStep, RepairJournalStore, type RepairJournal } from './repair-journal';
import { planServerKeyImage } from './server-key-plan';
import { offlineMessage, probeCloud, waitForCloud, type CloudWatch, type OfflineReason } from './cloud-watch';
import { analyzeServerKeySlot } from './server-key';
import { findBundledServerKeys } from './bundled-server-keys';
import { findParticleCliKeyFiles, type CliKeySearchEnv } from './particle-cli-keys';

export interface KeyServiceTiming {
  /** How long to wait for a device that is re-enumerating (just reset, just left DFU). */
  reappearMs: number;
  /** How long to watch a device in normal mode for a cloud connection before judging its key. */
  probeMs: number;
  /** How long to wait for the cloud connection after a repair. */
  verifyMs: number;
  /** How long to watch the cloud link of a device found in DFU mode with intact slots, after letting it boot. */
  watchMs: number;
  pollMs: number;
  /** How long to wait for the device to reach DFU mode (incl. the guided button step); DfuService's default when absent. */
  enterDfuMs?: number;
}

export interface KeyServiceDeps {
  dataDir: string;
  backups: BackupStore;
  devices: KeyDevicesPort;
  dfu: KeyDfuPort;
  cloud: KeyCloudPort;
  sleep?: Sleep;
  now?: () => number;
  timing?: Partial<KeyServiceTiming>;
}

export interface RepairOptions {
  serverKey: ServerKeySource;
  productId?: number;
  preferBackupKey: boolean;
  /** The LED the user picked (evidence that outranks "could not check"). */
  ledPatternId?: string;
  /** Replace an intact key even when its refusal by the cloud could not be proven. */
  regenerateIfUnknown?: boolean;
}

export const DEFAULT_KEY_TIMING: KeyServiceTiming = { reappearMs: 15_000, probeMs: 8_000, verifyMs: 60_000, watchMs: 20_000, pollMs: 500 };
/** A health check this recent that proved the key unusable spares the repair its cloud-link watch. */
const RECENT_HEALTH_MS = 120_000;

/** What the repair knows, before DFU, about whether the cloud accepts the device key. */
export interface RepairEvidence {
  cloudConnected: boolean | null;
  source: 'cloud-probe' | 'led' | 'none';
  /** The cloud link was watched (or the LED answered): no further watch is needed. */
  watched: boolean;
  /** Internal: this repair replaces a restored key the cloud refused. */
  fallback?: boolean;
}

/** LED patterns that mean the cloud refuses the handshake with this key ("blinking cyan with red/orange bursts"). */
export function ledSaysKeyRefused(ledPatternId: string | undefined | null): boolean {
  if (!ledPatternId) return false;
  const led = findLedPattern(ledPatternId);
  return led !== undefined && led.id.startsWith('cyan-') && led.suggests.includes('repair-keys');
}
const TRANSIENT_UPLOAD = ['CLOUD_UNREACHABLE', 'CLOUD_AUTH_REQUIRED', 'TIMEOUT'];

/**
 * Cloud keys of a device: read-only health check, backup, and the one-click repair (DFU → check →
 * backup → key kept on disk → write + read back → leave → upload → confirm), journaled step by step
 * so it resumes after a crash, an unplugged cable or an offline cloud without losing any key.
 */
export class KeyService {
  private readonly journals: RepairJournalStore;
  private readonly keyStore: KeyStore;
  private readonly timing: KeyServiceTiming;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private readonly watch: CloudWatch;
  private readonly recentHealth = new Map<string, { at: number; health: KeyHealth }>();

  constructor(private readonly deps: KeyServiceDeps) {
    this.journals = new RepairJournalStore(deps.dataDir);
    this.keyStore = new KeyStore(deps.dataDir);
    this.timing = { ...DEFAULT_KEY_TIMING, ...deps.timing };
    this.sleep = deps.sleep ?? realSleep;
    this.now = deps.now ?? Date.now;
    this.watch = { devices: deps.devices, cloud: deps.cloud, sleep: this.sleep, now: this.now, timing: this.timing };
  }

  /** Read-only: watches the cloud link, reads the DCT in one DFU session, puts the device back. */
  async healthCheck(deviceId: string, ctx: OperationContext): Promise<KeyHealth> {
    const profile = await this.deps.cloud.activeProfile(deviceId);
    const device = await this.attached(deviceId, ctx);
    const cloudConnected = await probeCloud(this.watch, device, ctx);
    const unreadable = (error: unknown, platformId: number): KeyHealth => {
      if (RescueError.is(error, 'DEVICE_PROTECTED')) return unreadableHealth(deviceId, platformId, profile.id, { protected: true, message: PROTECTED_MESSAGE });
      if (RescueError.is(error, 'DCT_UNREADABLE')) return unreadableHealth(deviceId, platformId, profile.id, { protected: false, message: `${error.message} ${error.fix}` });
      throw error;
    };
    let dfu: OpenDfu;
    try {
      dfu = await this.openDfu(device, ctx);
    } catch (error) {
      return unreadable(error, device.platformId);
    }
    try {
      if (dfu.session.isProtected) return unreadable(refuseProtected(deviceId), dfu.device.platformId);
      let dct: Uint8Array;
      try {
        dct = await readDct(dfu.session, dfu.device.deviceId, ctx);
      } catch (error) {
        return unreadable(error, dfu.device.platformId);
      }
      const assessment = assessKeys({
        deviceId,
        platformId: dfu.device.platformId,
        dct,
        profile,
        cloudConnected,
        unknownWhy: device.usbMode === 'dfu' ? 'the device is in DFU mode, where its cloud link cannot be watched' : undefined,
      });
      await this.rememberWorkingKey(profile, deviceId, assessment);
      this.recentHealth.set(deviceId, { at: this.now(), health: assessment.health });
      ctx.log('keys', assessment.health.healthy ? 'info' : 'warn', `health check: ${assessment.health.summary}`);
      return assessment.health;
    } finally {
      await this.release(dfu, ctx);
    }
  }

  /** The installed Particle CLI's server key files, each judged by its SHA-256 (never trusted by path). */
  async serverKeyCandidates(search?: CliKeySearchEnv): Promise<ServerKeyCandidate[]> {
    const out: ServerKeyCandidate[] = [];
    // The app's own copies (resources/server-keys) come last: they work without an installed CLI.
    // A given search environment (tests) is searched alone.
    const bundled = search ? [] : await findBundledServerKeys();
    for (const found of [...(await findParticleCliKeyFiles(search)), ...bundled]) {
      const data = await readFile(found.path).catch(() => null);
      const analysis = data ? analyzeServerKeySlot(new Uint8Array(data), found.protocol, null) : null;
      out.push({ ...found, genuine: analysis?.state === 'genuine' });
    }
    return out;
  }

  /** Repairs that stopped part-way, from the journals on disk (so they survive a restart). */
  async pending(): Promise<PendingRepair[]> {
    return (await this.journals.list()).map((j) => ({
      deviceId: j.deviceId,
      lastCompletedStep: lastStep(j),
      startedAt: j.startedAt,
      uploadQueued: j.upload === 'queued',
      backupIds: j.backupIds,
      lastError: j.lastError,
    }));
  }

  /** One-click repair. If an earlier repair of this device stopped part-way, it is resumed instead. */
  async repair(deviceId: string, options: RepairOptions, ctx: OperationContext): Promise<RepairResult> {
    return this.drive(deviceId, options, await this.journals.read(deviceId), ctx);
  }

  async resume(deviceId: string, ctx: OperationContext): Promise<RepairResult> {
    const journal = await this.journals.read(deviceId);
    if (!journal) {
      throw new RescueError('NOT_FOUND', `No interrupted key repair for ${deviceId}.`, 'Start a new repair instead (repair-keys).');
    }
    return this.drive(deviceId, journal.options, journal, ctx);
  }

  /** Backs up the DCT and key slots now, in one DFU session. */
  async backupNow(deviceId: string, ctx: OperationContext): Promise<BackupSummary> {
    const dfu = await this.openDfu(await this.attached(deviceId, ctx), ctx);
    try {
      if (dfu.session.isProtected) throw refuseProtected(deviceId);
      const dct = await readDct(dfu.session, dfu.device.deviceId, ctx);
      return await this.saveBackup(deviceId, dfu.device.platformId, dct, 'requested by the user');
    } finally {
      await this.release(dfu, ctx);
    }
  }

  /**
   * Restores a backup after checking it against its manifest. DCT backups are written here,
   * selectively (keys, server key, claim code, transport) after a safety backup; other kinds go to
   * the restorer their service registered on the BackupStore.
   */
  async restoreBackup(
    backupId: string,
    ctx: OperationContext,
    decision: { force?: boolean; uploadKey?: boolean } = {},
  ): Promise<RestoreResult | { kind: 'firmware'; result: unknown }> {
    const backup = await this.deps.backups.get(backupId);
    const check = await this.deps.backups.verify(backupId);
    if (!check.ok) {
      throw new RescueError('BACKUP_CORRUPT', `Backup ${backupId} does not match its manifest: ${check.problems.join(' ')}`, 'Do not restore it; pick an older backup.');
    }
    if (backup.kind !== 'dct') {
      const restorer = this.deps.backups.restorerFor(backup.kind);
      if (!restorer) {
        throw new RescueError(
          'RESTORE_NOT_SUPPORTED',
          `Restoring ${backup.kind} backups is not available in this version.`,
          `The files are safe in ${backup.location}; flash them from the firmware screen.`,
        );
      }
      return { kind: backup.kind, result: await restorer(backup, ctx) };
    }
    const image = await this.deps.backups.read(backupId, 'dct.bin');
    const profile = await this.deps.cloud.activeProfile(backup.deviceId);
    const dfu = await this.openDfu(await this.attached(backup.deviceId, ctx), ctx);
    let restored: { der: Uint8Array; protocol: 'tcp' | 'udp'; publicKeySha256: string } | null = null;
    try {
      if (dfu.session.isProtected) throw refuseProtected(backup.deviceId);
      const current = await readDct(dfu.session, dfu.device.deviceId, ctx);
      restored = await this.restoredKeyUnknownToCloud(image, current, dfu.device.platformId, profile, backup.deviceId);
      if (restored && !decision.force && !decision.uploadKey) {
        await this.release(dfu, ctx);
        throw new RescueError(
          'RESTORE_NEEDS_DECISION',
          `Backup ${backupId} holds a device key (public key SHA-256 ${restored.publicKeySha256.slice(0, 16)}…) that ${profile.name} is not known to hold: restored as it is, the device would blink cyan with red bursts. Nothing was written.`,
          'Restore it and upload its public key (signed in; CLI: --upload-key) so the device connects with it, or restore it anyway (CLI: --force) if you know the cloud has it.',
          { backupId, publicKeySha256: restored.publicKeySha256 },
        );
      }
      const safety = await this.saveBackup(backup.deviceId, dfu.device.platformId, current, `before restoring ${backupId}`);
      const written = await restoreDctBackup(dfu.session, image, current, dfu.device.platformId, ctx);
      // The journal's plan no longer describes the device; its key file stays in the key store.
      await this.journals.remove(backup.deviceId);
      await this.release(dfu, ctx);
      const result: RestoreResult = { backupId, deviceId: backup.deviceId, safetyBackupId: safety.backupId, written, verified: true, keyUnknownToCloud: restored !== null, upload: 'not-needed', messages: [] };
      if (restored && decision.uploadKey) return await this.uploadRestoredKey(result, restored, profile, ctx);
      if (restored) result.messages = [`The restored key is not known to ${profile.name}; the device connects only if the cloud holds it.`];
      return result;
    } catch (error) {
      await dfu.session.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * The backup's device key when, as far as the app knows, the cloud holds a different one: the key is
   * not recorded as known to this cloud, and either another key is, or the device holds a valid other key now.
   */
  private async restoredKeyUnknownToCloud(image: Uint8Array, current: Uint8Array, platformId: number, profile: CloudProfile, deviceId: string) {
    const protocol = effectiveProtocol(platformId, image);
    const slot = KEY_SLOTS[protocol].privateKey;
    const fromBackup = analyzePrivateKeySlot(slotOf(image, slot), protocol);
    if (fromBackup.state !== 'valid' || !fromBackup.keyDer) return null;
    const sha = fromBackup.publicKeySha256!;
    const now = analyzePrivateKeySlot(slotOf(current, slot), protocol);
    if (now.publicKeySha256 === sha) return null;
    const cloudId = cloudIdentity(profile);
    if (await this.keyStore.isKnown(cloudId, deviceId, sha)) return null;
    const otherKeyInUse = now.state === 'valid' || (await this.keyStore.knowsOtherKey(cloudId, deviceId, sha));
    return otherKeyInUse ? { der: fromBackup.keyDer, protocol, publicKeySha256: sha } : null;
  }

  private async uploadRestoredKey(
    result: RestoreResult,
    key: { der: Uint8Array; protocol: 'tcp' | 'udp'; publicKeySha256: string },
    profile: CloudProfile,
    ctx: OperationContext,
  ): Promise<RestoreResult> {
    ctx.progress({ phase: 'upload-key', message: `Sending the restored key's public key to ${profile.name}…` });
    try {
      await this.deps.cloud.uploadPublicKey({
        deviceId: result.deviceId,
        publicKeyPem: describeDeviceKey(key.der, key.protocol).publicKeyPem,
        algorithm: key.protocol === 'tcp' ? 'rsa' : 'ecc',
      });
    } catch (error) {
      if (!RescueError.is(error) || !TRANSIENT_UPLOAD.includes(error.code)) throw error;
      return {
        ...result,
        upload: 'failed',
        messages: [`The key is restored, but its public key could not be sent (${error.message}); the device will not connect until the cloud has it. ${error.fix}`],
      };
    }
    await this.keyStore.markKnown(cloudIdentity(profile), result.deviceId, key.publicKeySha256);
    return { ...result, upload: 'done', messages: [`The restored key's public key is registered with ${profile.name}.`] };
  }

  private async drive(
    deviceId: string,
    options: RepairOptions,
    existing: RepairJournal | null,
    ctx: OperationContext,
    hint?: RepairEvidence,
  ): Promise<RepairResult> {
    const profile = await this.deps.cloud.activeProfile(deviceId);
    let journal = existing;
    let sessions = 0;
    let found: KeyHealth | undefined;
    if (journal) ctx.log('keys', 'info', `resuming the key repair after step "${lastStep(journal)}"`);

    if (!journal || !has(journal, 'dct-written')) {
      const outcome = await this.repairInDfu(deviceId, options, journal, profile, ctx, hint);
      if ('done' in outcome) return outcome.done;
      ({ journal, sessions, found } = outcome);
    } else if (!has(journal, 'dfu-left')) {
      journal = await this.leaveIfInDfu(journal, ctx);
    }

    journal = await this.ensureUpload(journal, profile, ctx);
    const key = journal.key!;
    if (journal.upload === 'queued') {
      const why = `The device has its new key, but the cloud could not be told yet (${journal.lastError ?? 'offline'}).`;
      return repairResult(journal, sessions, null, [`${why} The key is kept at ${key.file ?? 'the key store'}; resume the repair when you are online.`], {
        found,
        offlineReason: 'cloud-unreachable',
        backups: await this.backupsOf(journal),
      });
    }
    const outcome = await waitForCloud(this.watch, deviceId, ctx);
    const cloudId = cloudIdentity(profile);
    if (outcome.connected) {
      await this.keyStore.markKnown(cloudId, deviceId, key.publicKeySha256);
      await this.journals.remove(deviceId);
      ctx.log('keys', 'info', `key repair finished (${key.action}), cloud connected`);
      return repairResult(journal, sessions, true, [], { found, offlineReason: null, backups: await this.backupsOf(journal) });
    }
    const reason = outcome.reason ?? 'unknown';
    if (key.action === 'restored-from-backup' && reason === 'cloud-refused-key') {
      // The record that the cloud holds this key was wrong (another cloud, or the key was replaced since).
      await this.keyStore.forgetKnown(cloudId, deviceId, key.publicKeySha256);
      if (!journal.fallback && outcome.cloudAnswered) return this.fallBackToNewKey(journal, sessions, found, ctx);
    }
    await this.journals.remove(deviceId);
    ctx.log('keys', 'warn', `key repair finished (${key.action}), cloud not confirmed: ${reason}`);
    const messages = [`The keys were written and verified, but the device is not online yet. ${offlineMessage(reason, this.timing.verifyMs)}`];
    if (key.action === 'restored-from-backup' && reason === 'cloud-refused-key') {
      messages.push('The restored key is no longer recorded as known to this cloud. Sign in to the cloud and run the repair again: it then generates and uploads a new key.');
    }
    return repairResult(journal, sessions, false, messages, { found, offlineReason: reason, backups: await this.backupsOf(journal) });
  }

  /** The backups a repair made, with where they are (a report lists them). */
  private async backupsOf(journal: RepairJournal): Promise<{ backupId: string; location: string }[]> {
    const out: { backupId: string; location: string }[] = [];
    for (const backupId of journal.backupIds) {
      const summary = await this.deps.backups.get(backupId).catch(() => null);
      out.push({ backupId, location: summary?.location ?? 'the app’s backup folder' });
    }
    return out;
  }

  /** A restored key the cloud did not accept: generate and upload a new one (the user is signed in). */
  private async fallBackToNewKey(journal: RepairJournal, sessions: number, found: KeyHealth | undefined, ctx: OperationContext): Promise<RepairResult> {
    const refused = `The restored key was not accepted by the cloud within ${Math.round(this.timing.verifyMs / 1000)} s (the cloud refused it; this is not a network problem), so a new key is generated and uploaded.`;
    ctx.log('keys', 'warn', refused);
    ctx.progress({ phase: 'generate', message: refused });
    await this.journals.remove(journal.deviceId);
    const next = await this.drive(journal.deviceId, { ...journal.options, preferBackupKey: false }, null, ctx, {
      cloudConnected: false,
      source: 'cloud-probe',
      watched: true,
      fallback: true,
    });
    return {
      ...next,
      found: found ?? next.found,
      dfuSessions: sessions + next.dfuSessions,
      backups: [...(await this.backupsOf(journal)), ...(next.backups ?? [])],
      backupId: journal.backupIds[0] ?? next.backupId,
      before: journal.before ?? next.before,
      fellBackToNewKey: true,
      messages: [refused, ...next.messages],
    };
  }

  /**
   * The DFU part of a repair: journal first (mode, intent, evidence), then check, plan, backup, key on
   * disk, write and read back, leave. When the slots look intact but nothing proves whether the cloud
   * accepts the key (device found in DFU mode), the device first boots normally so the cloud link can
   * be watched; a refusal brings it back to DFU for the repair. On a failure after the plan the device
   * stays in DFU and the journal says where to pick up; before it, the device is given back as found.
   */
  private async repairInDfu(
    deviceId: string,
    options: RepairOptions,
    existing: RepairJournal | null,
    profile: CloudProfile,
    ctx: OperationContext,
    hint?: RepairEvidence,
  ): Promise<{ journal: RepairJournal; sessions: number; found: KeyHealth } | { done: RepairResult }> {
    let device = await this.attached(deviceId, ctx);
    let journal = existing;
    if (journal && !has(journal, 'health-checked')) journal = await this.withNewEvidence(journal, options);
    if (!journal) {
      const evidence = hint ?? (await this.firstEvidence(device, options, ctx));
      // Written before anything changes on the device (entering DFU included): a kill resumes into this repair.
      journal = await this.journals.write(this.startedJournal(deviceId, device, profile, options, evidence, hint?.fallback === true));
    }
    for (let sessions = 1; ; sessions++) {
      const dfu = await this.openDfu(device, ctx);
      let assessment: KeyAssessment;
      let dct: Uint8Array | null;
      try {
        dct = dfu.session.isProtected
          ? null
          : await readDct(dfu.session, dfu.device.deviceId, ctx).catch((error: unknown) => {
              if (RescueError.is(error, 'DEVICE_PROTECTED')) return null;
              throw error;
            });
        if (!dct) throw refuseProtected(deviceId);
        assessment = this.assess(journal, dfu.device.platformId, dct, profile);
        if (!has(journal, 'health-checked')) {
          await this.rememberWorkingKey(profile, deviceId, assessment);
          const unknown = assessment.health.verdict === 'unknown';
          const decide = !unknown || journal.evidence?.watched === true || journal.options.regenerateIfUnknown === true;
          if (decide) {
            const planned = await this.planRepair(journal, assessment, dct, unknown);
            if (!planned) {
              ctx.log('keys', 'info', `nothing written: ${assessment.health.summary}`);
              // A repair ends with the device running, even if it was found in DFU mode.
              await dfu.session.leave(ctx.signal);
              await this.backToNormal(deviceId, ctx);
              await this.journals.remove(deviceId);
              return { done: unknown ? this.undecided(assessment, sessions) : this.noneNeeded(assessment, sessions) };
            }
            journal = await this.journals.complete(journal, 'health-checked', planned);
          }
        }
        if (has(journal, 'health-checked')) {
          journal = await this.ensureBackup(journal, dct, ctx);
          journal = await this.ensureKey(journal, assessment, profile, ctx);
          await this.writeSlots(dfu, journal, dct, ctx);
          journal = await this.journals.complete(journal, 'dct-written');
          await dfu.session.leave(ctx.signal);
          return { journal: await this.journals.complete(journal, 'dfu-left'), sessions, found: assessment.health };
        }
      } catch (error) {
        if (has(journal, 'health-checked')) {
          await dfu.session.close().catch(() => undefined);
          await this.journals.write({ ...journal, lastError: messageOf(error) }).catch(() => undefined);
        } else {
          // Nothing was planned, nothing written: give the device back as it was found, forget the repair.
          const entered = dfu.entered || journal.foundIn === 'normal';
          await this.release({ ...dfu, entered }, ctx).catch(() => dfu.session.close().catch(() => undefined));
          await this.journals.remove(deviceId).catch(() => undefined);
        }
        throw error;
      }
      // The slots look intact and nothing tells whether the cloud accepts the key: boot and watch.
      const watched = await this.watchOutsideDfu(journal, dfu, dct, ctx);
      journal = watched.journal;
      device = watched.device ?? device;
      const seen = journal.evidence?.cloudConnected ?? null;
      if (seen === false || journal.options.regenerateIfUnknown === true) continue;
      const after = { ...assessment, health: assessKeys({ ...this.assessInput(journal, assessment.health.platformId, profile), dct: watched.dct }).health };
      await this.journals.remove(deviceId);
      return { done: seen === true ? this.noneNeeded(after, sessions) : this.undecided(after, sessions) };
    }
  }

  /** A repair resumed before its plan takes what the user adds now: the LED they saw, or "regenerate". */
  private async withNewEvidence(journal: RepairJournal, options: RepairOptions): Promise<RepairJournal> {
    const led = ledSaysKeyRefused(options.ledPatternId);
    if (!led && !options.regenerateIfUnknown) return journal;
    return this.journals.write({
      ...journal,
      options: { ...journal.options, ...(led ? { ledPatternId: options.ledPatternId } : {}), ...(options.regenerateIfUnknown ? { regenerateIfUnknown: true } : {}) },
      evidence: led ? { cloudConnected: false, source: 'led', watched: true } : journal.evidence,
    });
  }

  /** What the repair knows about the cloud link before DFU: the LED the user picked, or a watch in normal mode. */
  private async firstEvidence(device: AttachedDevice, options: RepairOptions, ctx: OperationContext): Promise<RepairEvidence> {
    if (ledSaysKeyRefused(options.ledPatternId)) {
      ctx.log('keys', 'info', `LED "${options.ledPatternId}" picked: the cloud refuses the key; no cloud-link watch needed`);
      return { cloudConnected: false, source: 'led', watched: true };
    }
    if (device.usbMode !== 'normal') return { cloudConnected: null, source: 'none', watched: false };
    const recent = this.recentHealth.get(device.deviceId);
    if (recent && this.now() - recent.at <= RECENT_HEALTH_MS && recent.health.verdict === 'bad') {
      // The health check just proved the keys unusable (a bad slot, or a key the cloud refused): watching again would only cost time.
      ctx.log('keys', 'info', 'the health check just found the keys unusable; no second cloud-link watch');
      const seen = recent.health.cloudConnected;
      return { cloudConnected: seen, source: seen === null ? 'none' : 'cloud-probe', watched: true };
    }
    const seen = await probeCloud(this.watch, device, ctx);
    return { cloudConnected: seen, source: seen === null ? 'none' : 'cloud-probe', watched: true };
  }

  /** Leaves DFU, lets the device boot, and watches its cloud link; the result goes into the journal. */
  private async watchOutsideDfu(
    journal: RepairJournal,
    dfu: OpenDfu,
    dct: Uint8Array,
    ctx: OperationContext,
  ): Promise<{ journal: RepairJournal; device: AttachedDevice | null; dct: Uint8Array }> {
    ctx.progress({ phase: 'leave-dfu', message: 'The key slots look intact; leaving DFU mode to watch whether the cloud accepts the key…' });
    await dfu.session.leave(ctx.signal);
    await this.backToNormal(journal.deviceId, ctx);
    const device = await findIfAttached(this.deps.devices, journal.deviceId);
    const seen = device?.usbMode === 'normal' ? await probeCloud(this.watch, device, ctx, this.timing.watchMs) : null;
    ctx.log('keys', 'info', `cloud link after leaving DFU: ${seen === null ? 'no evidence' : seen ? 'connected' : 'keeps failing'}`);
    const next = await this.journals.write({ ...journal, evidence: { cloudConnected: seen, source: seen === null ? 'none' : 'cloud-probe', watched: true } });
    return { journal: next, device, dct };
  }

  private assessInput(journal: RepairJournal, platformId: number, profile: CloudProfile): Omit<AssessInput, 'dct'> {
    const evidence = journal.evidence;
    return {
      deviceId: journal.deviceId,
      platformId,
      profile,
      cloudConnected: evidence?.cloudConnected ?? null,
      ...(evidence && evidence.source !== 'none' ? { cloudEvidence: evidence.source } : {}),
      unknownWhy: evidence?.watched
        ? 'the device was let boot and watched, but it reported no cloud status (old Device OS, no network, or listening mode)'
        : journal.foundIn === 'dfu'
          ? 'the device was found in DFU mode, where its cloud link cannot be watched'
          : undefined,
    };
  }

  private assess(journal: RepairJournal, platformId: number, dct: Uint8Array, profile: CloudProfile): KeyAssessment {
    return assessKeys({ ...this.assessInput(journal, platformId, profile), dct });
  }

  /** The plan of a repair (null: nothing to write). Unproven keys are replaced only when the user said so. */
  private async planRepair(journal: RepairJournal, a: KeyAssessment, dct: Uint8Array, unknown: boolean): Promise<Partial<RepairJournal> | null> {
    const serverImage = await planServerKeyImage({
      source: journal.options.serverKey,
      protocol: a.health.protocol,
      target: a.serverTarget,
      slotWrong: a.serverKeyWrong,
      backups: this.deps.backups,
    });
    const serverChanges = serverImage !== null && !bytesEqual(serverImage, slotOf(dct, KEY_SLOTS[a.health.protocol].serverKey));
    const replaceKey = a.replaceKey || (unknown && journal.options.regenerateIfUnknown === true);
    if (!replaceKey && !serverChanges) return null;
    return {
      platformId: a.health.platformId,
      protocol: a.health.protocol,
      plan: { replaceKey, serverKeyImageBase64: serverChanges && serverImage ? Buffer.from(serverImage).toString('base64') : null },
      before: { privateKeySha256: a.privateKey.publicKeySha256, serverKeySha256: a.serverKey.sha256 },
    };
  }

  private startedJournal(
    deviceId: string,
    device: AttachedDevice,
    profile: CloudProfile,
    options: RepairOptions,
    evidence: RepairEvidence,
    fallback: boolean,
  ): RepairJournal {
    const now = new Date().toISOString();
    const protocol = platformById(device.platformId)?.protocol ?? 'udp';
    return {
      version: 1,
      deviceId,
      platformId: device.platformId,
      protocol,
      profileId: profile.id,
      startedAt: now,
      updatedAt: now,
      options: {
        serverKey: options.serverKey,
        productId: options.productId,
        preferBackupKey: options.preferBackupKey,
        ...(options.ledPatternId ? { ledPatternId: options.ledPatternId } : {}),
        ...(options.regenerateIfUnknown ? { regenerateIfUnknown: true } : {}),
      },
      steps: ['started'],
      foundIn: device.usbMode,
      evidence: { cloudConnected: evidence.cloudConnected, source: evidence.source, watched: evidence.watched },
      ...(fallback ? { fallback: true } : {}),
      plan: null,
      before: null,
      backupIds: [],
      key: null,
      upload: 'pending',
      lastError: null,
    };
  }

  private noneNeeded(a: KeyAssessment, sessions: number): RepairResult {
    const hashes = { privateKeySha256: a.privateKey.publicKeySha256, serverKeySha256: a.serverKey.sha256 };
    return {
      deviceId: a.health.deviceId,
      action: 'none-needed',
      keyWritten: false,
      serverKeyWritten: false,
      upload: 'not-needed',
      backupId: null,
      before: hashes,
      after: hashes,
      dfuSessions: sessions,
      cloudConnected: a.health.cloudConnected,
      keyFile: null,
      messages: [a.health.summary, ...a.health.notes],
      found: a.health,
      backups: [],
      offlineReason: null,
      needsDecision: null,
    };
  }

  /** Intact slots, no proof either way: nothing is written until the user decides. */
  private undecided(a: KeyAssessment, sessions: number): RepairResult {
    return {
      ...this.noneNeeded(a, sessions),
      needsDecision: 'regenerate-unproven-key',
      messages: [
        a.health.summary,
        'Nothing was written. If the LED blinks cyan with red or orange bursts, pick that LED (CLI: --led cyan-red-burst) and repair again; ' +
          'to replace the key anyway, repair again with "regenerate" (CLI: --regenerate). The current key is backed up first either way.',
      ],
    };
  }

  /** Backs up before the first write, and again on resume if the slots hold something not yet saved. */
  private async ensureBackup(journal: RepairJournal, dct: Uint8Array, ctx: OperationContext): Promise<RepairJournal> {
    if (journal.backupIds.length > 0 && (await this.slotsAccountedFor(journal, dct))) return journal;
    ctx.progress({ phase: 'backup', message: 'Backing up the DCT and key slots…' });
    const backup = await this.saveBackup(journal.deviceId, journal.platformId, dct, 'before key repair');
    return this.journals.complete(journal, 'backed-up', { backupIds: [...journal.backupIds, backup.backupId] });
  }

  private async slotsAccountedFor(journal: RepairJournal, dct: Uint8Array): Promise<boolean> {
    const layout = KEY_SLOTS[journal.protocol];
    const latest = journal.backupIds.at(-1)!;
    const saved = await this.deps.backups.read(latest, 'dct.bin').catch(() => null);
    if (!saved) return false;
    const privateNow = slotOf(dct, layout.privateKey);
    const serverNow = slotOf(dct, layout.serverKey);
    const privateKnown =
      bytesEqual(privateNow, slotOf(saved, layout.privateKey)) ||
      (journal.key !== null && analyzePrivateKeySlot(privateNow, journal.protocol).publicKeySha256 === journal.key.publicKeySha256);
    const image = journal.plan?.serverKeyImageBase64 ? new Uint8Array(Buffer.from(journal.plan.serverKeyImageBase64, 'base64')) : null;
    const serverKnown = bytesEqual(serverNow, slotOf(saved, layout.serverKey)) || (image !== null && bytesEqual(serverNow, image));
    return privateKnown && serverKnown;
  }

  private async saveBackup(deviceId: string, platformId: number, dct: Uint8Array, reason: string): Promise<BackupSummary> {
    const files = [{ name: 'dct.bin', data: dct }];
    const meta: Record<string, string> = {};
    for (const protocol of ['tcp', 'udp'] as const) {
      const layout = KEY_SLOTS[protocol];
      files.push({ name: `${protocol}-private-key.bin`, data: slotOf(dct, layout.privateKey).slice() });
      files.push({ name: `${protocol}-server-key.bin`, data: slotOf(dct, layout.serverKey).slice() });
    }
    const summary = await this.deps.backups.save({ deviceId, platformId, kind: 'dct', reason, files, meta });
    return summary;
  }

  /** Decides the device's next key and keeps it on disk before anything outside the app changes. */
  private async ensureKey(journal: RepairJournal, a: KeyAssessment, profile: CloudProfile, ctx: OperationContext): Promise<RepairJournal> {
    if (journal.key) return journal;
    const protocol = journal.protocol;
    if (!journal.plan!.replaceKey && a.privateKey.state === 'valid' && a.privateKey.keyDer) {
      const kept = describeDeviceKey(a.privateKey.keyDer, protocol);
      return this.journals.complete(journal, 'key-saved', {
        key: { action: 'kept-key', file: null, publicKeyPem: kept.publicKeyPem, publicKeySha256: kept.publicKeySha256 },
      });
    }
    const rejected = a.privateKey.state === 'valid' ? a.privateKey.publicKeySha256 : null;
    const restored = journal.options.preferBackupKey ? await this.knownKey(journal, profile, rejected) : null;
    let key: DeviceKey;
    if (restored) {
      key = restored;
      ctx.progress({ phase: 'key', message: 'Restoring a saved key the cloud already knows (no upload needed)…' });
    } else {
      ctx.progress({ phase: 'generate', message: protocol === 'tcp' ? 'Generating an RSA-1024 key…' : 'Generating an EC P-256 key…' });
      key = await generateDeviceKey(protocol);
    }
    const file = await this.keyStore.save(journal.deviceId, key);
    ctx.log('keys', 'info', `${restored ? 'restored' : 'new'} ${key.algorithm} key kept on disk before writing (public key SHA-256 ${key.publicKeySha256.slice(0, 16)}…)`);
    return this.journals.complete(journal, 'key-saved', {
      key: { action: restored ? 'restored-from-backup' : 'generated', file, publicKeyPem: key.publicKeyPem, publicKeySha256: key.publicKeySha256 },
      upload: restored ? 'not-needed' : 'pending',
    });
  }

  /** A key from our key store or a DCT backup that the cloud is known to hold: restoring it needs no cloud. */
  private async knownKey(journal: RepairJournal, profile: CloudProfile, exclude: string | null): Promise<DeviceKey | null> {
    const candidates: Uint8Array[] = [];
    for (const file of await this.keyStore.files(journal.deviceId)) candidates.push(await this.keyStore.load(file).catch(() => new Uint8Array()));
    for (const backup of await this.deps.backups.list(journal.deviceId)) {
      if (backup.kind !== 'dct' || journal.backupIds.includes(backup.backupId)) continue;
      const slot = await this.deps.backups.read(backup.backupId, `${journal.protocol}-private-key.bin`).catch(() => null);
      if (slot) candidates.push(slot);
    }
    for (const candidate of candidates) {
      const analysis = analyzePrivateKeySlot(candidate, journal.protocol);
      if (analysis.state !== 'valid' || !analysis.keyDer || analysis.publicKeySha256 === exclude) continue;
      if (await this.keyStore.isKnown(cloudIdentity(profile), journal.deviceId, analysis.publicKeySha256!)) return describeDeviceKey(analysis.keyDer, journal.protocol);
    }
    return null;
  }

  private async writeSlots(dfu: OpenDfu, journal: RepairJournal, dct: Uint8Array, ctx: OperationContext): Promise<void> {
    const layout = KEY_SLOTS[journal.protocol];
    const key = journal.key!;
    if (key.file) {
      const der = await this.keyStore.load(key.file);
      const current = derPrefix(slotOf(dct, layout.privateKey));
      if (!current || !bytesEqual(current, der)) await writeDctVerified(dfu.session, layout.privateKey.offset, der, 'device private key', ctx);
    }
    const image = journal.plan?.serverKeyImageBase64 ? new Uint8Array(Buffer.from(journal.plan.serverKeyImageBase64, 'base64')) : null;
    if (image && !bytesEqual(slotOf(dct, layout.serverKey), image)) await writeDctVerified(dfu.session, layout.serverKey.offset, image, 'server key and address', ctx);
  }

  /** Written and verified, but the crash came before leaving DFU: leave now if the device is still there. */
  private async leaveIfInDfu(journal: RepairJournal, ctx: OperationContext): Promise<RepairJournal> {
    const device = await findIfAttached(this.deps.devices, journal.deviceId);
    if (device?.usbMode === 'dfu') {
      const session = await this.deps.dfu.openSession(journal.deviceId, ctx);
      await session.leave(ctx.signal);
    }
    return this.journals.complete(journal, 'dfu-left');
  }

  private async ensureUpload(journal: RepairJournal, profile: CloudProfile, ctx: OperationContext): Promise<RepairJournal> {
    const key = journal.key!;
    if (journal.upload === 'done' || journal.upload === 'not-needed') return journal;
    if (key.action === 'kept-key' && (await this.keyStore.isKnown(cloudIdentity(profile), journal.deviceId, key.publicKeySha256))) {
      return this.journals.write({ ...journal, upload: 'not-needed' });
    }
    ctx.progress({ phase: 'upload-key', message: `Sending the device's public key to ${profile.name}…` });
    try {
      await this.deps.cloud.uploadPublicKey({
        deviceId: journal.deviceId,
        publicKeyPem: key.publicKeyPem,
        algorithm: journal.protocol === 'tcp' ? 'rsa' : 'ecc',
        ...(journal.options.productId !== undefined ? { productId: journal.options.productId } : {}),
      });
    } catch (error) {
      if (RescueError.is(error) && TRANSIENT_UPLOAD.includes(error.code)) {
        ctx.log('keys', 'warn', `public key upload queued: ${error.code}`);
        return this.journals.write({ ...journal, upload: 'queued', lastError: error.message });
      }
      await this.journals.write({ ...journal, lastError: messageOf(error) });
      throw error;
    }
    await this.keyStore.markKnown(cloudIdentity(profile), journal.deviceId, key.publicKeySha256);
    return this.journals.complete(journal, 'uploaded', { upload: 'done', lastError: null });
  }

  private attached(deviceId: string, ctx: OperationContext): Promise<AttachedDevice> {
    return findSoon(this.deps.devices, deviceId, this.timing.reappearMs, this.sleep, ctx.signal);
  }

  private openDfu(device: AttachedDevice, ctx: OperationContext): Promise<OpenDfu> {
    return openDfu(this.deps.devices, this.deps.dfu, device, ctx, this.timing.enterDfuMs);
  }

  /** Puts the device back as found and, if it restarts, waits until it is back on USB. */
  private async release(dfu: OpenDfu, ctx: OperationContext): Promise<void> {
    try {
      await releaseDfu(dfu, ctx);
    } catch (error) {
      // A protected bootloader may refuse even the leave request; RESET brings the device back.
      if (!RescueError.is(error, 'DEVICE_PROTECTED')) throw error;
      await dfu.session.close();
      ctx.log('keys', 'warn', 'the protected device refused to leave DFU mode over USB; press its RESET button');
      return;
    }
    if (dfu.entered) await this.backToNormal(dfu.device.deviceId, ctx);
  }

  /** After leaving DFU: wait until the device runs again, so the next step does not catch it mid-reboot. */
  private async backToNormal(deviceId: string, ctx: OperationContext): Promise<void> {
    await this.deps.devices.waitFor(deviceId, 'normal', { timeoutMs: this.timing.reappearMs, signal: ctx.signal }).catch((error: unknown) => {
      if (RescueError.is(error, 'CANCELLED')) throw error;
      ctx.log('keys', 'warn', `the device did not come back in normal mode in time: ${messageOf(error)}`);
    });
  }

  /** A key the device was seen using on the cloud is one the cloud knows: worth remembering for offline repairs. */
  private async rememberWorkingKey(profile: CloudProfile, deviceId: string, a: KeyAssessment): Promise<void> {
    if (a.health.cloudConnected === true && a.privateKey.state === 'valid' && !a.serverKeyWrong) {
      await this.keyStore.markKnown(cloudIdentity(profile), deviceId, a.privateKey.publicKeySha256!);
    }
  }
}

const NO_HASHES = { privateKeySha256: null, serverKeySha256: null };

function serverKeyHash(journal: RepairJournal): string | null {
  const image = journal.plan?.serverKeyImageBase64;
  if (!image) return journal.before?.serverKeySha256 ?? null;
  const der = derPrefix(new Uint8Array(Buffer.from(image, 'base64')));
  return der ? sha256Hex(der) : null;
}

function repairResult(
  journal: RepairJournal,
  sessions: number,
  cloudConnected: boolean | null,
  messages: string[],
  extra: { found: KeyHealth | undefined; offlineReason: OfflineReason | null; backups: { backupId: string; location: string }[] },
): RepairResult {
  const key = journal.key!;
  return {
    deviceId: journal.deviceId,
    action: key.action,
    keyWritten: key.action !== 'kept-key',
    serverKeyWritten: (journal.plan?.serverKeyImageBase64 ?? null) !== null,
    upload: journal.upload === 'queued' ? 'queued' : journal.upload === 'done' ? 'done' : 'not-needed',
    backupId: journal.backupIds[0] ?? null,
    before: journal.before ?? NO_HASHES,
    after: { privateKeySha256: key.publicKeySha256, serverKeySha256: serverKeyHash(journal) },
    dfuSessions: sessions,
    cloudConnected,
    keyFile: key.file,
    messages,
    ...(extra.found ? { found: extra.found } : {}),
    backups: extra.backups,
    offlineReason: extra.offlineReason,
    fellBackToNewKey: false,
    needsDecision: null,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
