import { join } from 'node:path';
import type { CloudProfile, CloudSession } from '../../../shared/contract/cloud';
import { DeviceIdSchema } from '../../../shared/domain';
import { RescueError } from '../../../shared/errors';
import type { OperationLog } from '../operations/operation-log';
import { cloudError, isTransient, type CloudCall } from './cloud-errors';
import { CloudProfileStore } from './cloud-profiles';
import { CloudSessions } from './cloud-sessions';
import { particleCloudApi, type CloudApi, type CloudDeviceInfo, type PublicKeyUpload } from './particle-api';
import { MemoryTokenVault, type TokenVault } from './token-vault';
import { UploadQueue, type QueuedUpload } from './upload-queue';

export interface CloudServiceDeps {
  dataDir: string;
  /** Where the access token is kept; memory when absent (browser mode, tests). */
  vault?: TokenVault;
  opLog: OperationLog;
  fetchTimeoutMs?: number;
  /** Waits between upload attempts on network errors; its length is the number of retries. */
  retryDelaysMs?: number[];
  sleep?: (ms: number) => Promise<void>;
  /** The cloud client for a base URL; particle-api-js unless a test replaces it. */
  api?: (baseUrl: string, timeoutMs: number) => CloudApi;
  now?: () => Date;
}

export type LoginResult = { status: 'ok'; session: CloudSession } | { status: 'mfa-required'; mfaToken: string };
export type UploadRequest = PublicKeyUpload;
export type { QueuedUpload };

const DEFAULT_RETRY_DELAYS_MS = [500, 2000, 5000];

/**
 * Talks to the active cloud (Particle, a private cloud or the lab's virtual cloud) through
 * particle-api-js: login, token keeping, public key upload with retry and an offline queue, device status.
 */
export class CloudService {
  private readonly store: CloudProfileStore;
  private readonly sessions: CloudSessions;
  private readonly queue: UploadQueue;
  private readonly vault: TokenVault;
  private readonly opLog: OperationLog;
  private readonly timeoutMs: number;
  private readonly retryDelaysMs: number[];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly makeApi: (baseUrl: string, timeoutMs: number) => CloudApi;
  private readonly now: () => Date;
  private readonly pendingMfa = new Map<string, { profileId: string; username: string }>();
  private loaded: Promise<void> | null = null;

  constructor(deps: CloudServiceDeps) {
    this.store = new CloudProfileStore(deps.dataDir);
    this.vault = deps.vault ?? new MemoryTokenVault();
    this.sessions = new CloudSessions(this.vault);
    this.queue = new UploadQueue(deps.dataDir);
    this.opLog = deps.opLog;
    this.timeoutMs = deps.fetchTimeoutMs ?? 15_000;
    this.retryDelaysMs = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.makeApi = deps.api ?? particleCloudApi;
    this.now = deps.now ?? (() => new Date());
  }

  static vaultFile(dataDir: string): string {
    return join(dataDir, 'cloud-token.bin');
  }

  async profiles(): Promise<{ profiles: CloudProfile[]; activeId: string }> {
    await this.ready();
    return { profiles: this.store.list(), activeId: this.store.active().id };
  }

  async activeProfile(): Promise<CloudProfile> {
    await this.ready();
    return this.store.active();
  }

  async useProfile(profileId: string): Promise<CloudSession> {
    await this.ready();
    await this.store.use(profileId);
    return this.session();
  }

  async saveProfile(profile: CloudProfile): Promise<{ saved: boolean }> {
    await this.ready();
    await this.store.save(profile);
    this.opLog.write('cloud', 'info', `Saved cloud profile "${profile.name}" (${profile.apiBaseUrl}).`);
    return { saved: true };
  }

  /** A cloud for this run only, such as the lab's virtual cloud; not written to disk. */
  registerProfile(profile: CloudProfile): void {
    this.store.register(profile);
  }

  async session(): Promise<CloudSession> {
    await this.ready();
    const profile = this.store.active();
    const stored = await this.sessions.get(profile.id);
    return {
      profileId: profile.id,
      loggedIn: stored !== null,
      username: stored?.username ?? null,
      tokenStorage: this.vault.kind,
      queuedUploads: (await this.queue.list()).length,
    };
  }

  async login(username: string, password: string): Promise<LoginResult> {
    const profile = await this.activeProfile();
    const started = Date.now();
    const outcome = await this.attempt(profile, 'login', {}, (api) => api.login(username, password));
    if ('mfaToken' in outcome) {
      this.pendingMfa.set(outcome.mfaToken, { profileId: profile.id, username });
      this.opLog.write('cloud', 'info', `${profile.name} asks ${username} for a one-time code.`, { durationMs: Date.now() - started });
      return { status: 'mfa-required', mfaToken: outcome.mfaToken };
    }
    return this.loggedIn(profile, outcome.token, username, started);
  }

  async loginMfa(mfaToken: string, otp: string): Promise<LoginResult> {
    const pending = this.pendingMfa.get(mfaToken);
    const profile = pending ? this.profileById(pending.profileId) : await this.activeProfile();
    const started = Date.now();
    const token = await this.attempt(profile, 'otp', {}, (api) => api.sendOtp(mfaToken, otp));
    this.pendingMfa.delete(mfaToken);
    return this.loggedIn(profile, token, pending?.username ?? null, started);
  }

  /**
   * Uses a pasted access token. It is checked at once with a cheap call (`GET /v1/user`): a refused
   * token is not kept; when the cloud cannot be reached the token is kept and checked on first use.
   */
  async setToken(token: string): Promise<CloudSession> {
    const profile = await this.activeProfile();
    let username: string | null = null;
    try {
      username = await this.attempt(profile, 'token', {}, (api) => api.username(token));
    } catch (error) {
      if (!RescueError.is(error, 'CLOUD_UNREACHABLE')) throw error;
      // The log scrubber blanks whatever follows the word "token", so these sentences end with it.
      this.opLog.write('cloud', 'warn', `${profile.name} could not be reached to check the pasted access token; it is checked on first use.`);
    }
    await this.sessions.set(profile.id, { token, username });
    this.opLog.write('cloud', 'info', `${profile.name}${username ? ` (${username})` : ''} uses the pasted access token.`);
    return this.session();
  }

  async logout(): Promise<CloudSession> {
    const profile = await this.activeProfile();
    await this.sessions.forget(profile.id);
    this.opLog.write('cloud', 'info', `Logged out of ${profile.name}.`);
    return this.session();
  }

  /** What the cloud says about a device; with a product ID it asks the product's device list. */
  async deviceStatus(deviceId: string, productId?: number): Promise<CloudDeviceInfo> {
    const id = validDeviceId(deviceId);
    const product = validProductId(productId);
    const profile = await this.activeProfile();
    const token = await this.tokenFor(profile);
    return this.withRetry(() => this.attempt(profile, 'status', { deviceId: id, productId: product }, (api) => api.device(token, id, product)));
  }

  /** Uploads a device public key to the active cloud, retrying with backoff while the network fails. */
  async uploadPublicKey(request: UploadRequest): Promise<void> {
    const upload = validUpload(request);
    const profile = await this.activeProfile();
    await this.withRetry(() => this.upload(profile, upload));
  }

  /** Uploads now, or queues when the cloud is unreachable or nobody is logged in (a repair must not stop there). */
  async uploadOrQueue(request: UploadRequest): Promise<'done' | 'queued'> {
    try {
      await this.uploadPublicKey(request);
      return 'done';
    } catch (error) {
      if (!RescueError.is(error, 'CLOUD_UNREACHABLE') && !RescueError.is(error, 'CLOUD_AUTH_REQUIRED')) throw error;
      await this.queueUpload(request, error.message);
      return 'queued';
    }
  }

  async queueUpload(request: UploadRequest, reason: string | null = null): Promise<void> {
    const upload = validUpload(request);
    const profile = await this.activeProfile();
    await this.queue.put({ ...upload, profileId: profile.id, queuedAt: this.now().toISOString(), attempts: 0, lastError: reason });
    this.opLog.write('cloud', 'warn', `The public key of ${upload.deviceId} is queued for upload to ${profile.name}.`, { deviceId: upload.deviceId });
  }

  async queued(): Promise<QueuedUpload[]> {
    await this.ready();
    return this.queue.list();
  }

  /** One attempt per queued key (the queue itself is the retry); what fails stays queued with its reason. */
  async flushQueue(): Promise<{ uploaded: string[]; remaining: QueuedUpload[] }> {
    await this.ready();
    const uploaded: string[] = [];
    for (const item of await this.queue.list()) {
      const profile = this.store.get(item.profileId);
      try {
        if (!profile) throw new RescueError('NOT_FOUND', `The cloud profile "${item.profileId}" is not available.`, 'Start the cloud again or add its profile.');
        await this.upload(profile, item);
        await this.queue.remove(item);
        uploaded.push(item.deviceId);
      } catch (error) {
        const message = error instanceof RescueError ? error.message : 'Upload failed.';
        await this.queue.update({ ...item, attempts: item.attempts + 1, lastError: message });
      }
    }
    return { uploaded, remaining: await this.queue.list() };
  }

  private async upload(profile: CloudProfile, upload: UploadRequest): Promise<void> {
    const token = await this.tokenFor(profile);
    const started = Date.now();
    const ctx = { deviceId: upload.deviceId, productId: upload.productId };
    await this.attempt(profile, 'upload', ctx, (api) => api.sendPublicKey(token, upload));
    const product = upload.productId !== undefined ? ` (product ${upload.productId})` : '';
    this.opLog.write('cloud', 'info', `Uploaded the ${upload.algorithm.toUpperCase()} public key of ${upload.deviceId} to ${profile.name}${product}.`, {
      deviceId: upload.deviceId,
      durationMs: Date.now() - started,
    });
  }

  private async loggedIn(profile: CloudProfile, token: string, username: string | null, started: number): Promise<LoginResult> {
    await this.sessions.set(profile.id, { token, username });
    this.opLog.write('cloud', 'info', `Logged in to ${profile.name}${username ? ` as ${username}` : ''}.`, { durationMs: Date.now() - started });
    return { status: 'ok', session: await this.session() };
  }

  /** One cloud call with errors mapped; a refused token is forgotten so the session shows logged out. */
  private async attempt<T>(profile: CloudProfile, call: CloudCall, ctx: { deviceId?: string; productId?: number }, run: (api: CloudApi) => Promise<T>): Promise<T> {
    try {
      return await run(this.makeApi(profile.apiBaseUrl, this.timeoutMs));
    } catch (raw) {
      const error = cloudError(raw, call, { cloudName: profile.name, ...ctx });
      if (error.code === 'CLOUD_AUTH_REQUIRED' && (call === 'upload' || call === 'status')) await this.sessions.forget(profile.id);
      this.opLog.write('cloud', isTransient(raw) ? 'warn' : 'error', error.message, { deviceId: ctx.deviceId ?? null });
      throw error;
    }
  }

  private async withRetry<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (!RescueError.is(error, 'CLOUD_UNREACHABLE') || attempt >= this.retryDelaysMs.length) throw error;
        await this.sleep(this.retryDelaysMs[attempt]);
      }
    }
  }

  /** The active profile's API base URL and token, for calls made elsewhere (Device OS downloads); null when signed out. */
  async access(): Promise<{ apiBaseUrl: string; token: string } | null> {
    const profile = await this.activeProfile();
    const stored = await this.sessions.get(profile.id);
    return stored ? { apiBaseUrl: profile.apiBaseUrl, token: stored.token } : null;
  }

  private async tokenFor(profile: CloudProfile): Promise<string> {
    const stored = await this.sessions.get(profile.id);
    if (!stored) {
      throw new RescueError('CLOUD_AUTH_REQUIRED', `Not logged in to ${profile.name}.`, 'Log in in Settings → Cloud, or paste an access token.');
    }
    return stored.token;
  }

  private profileById(id: string): CloudProfile {
    const profile = this.store.get(id);
    if (!profile) throw new RescueError('NOT_FOUND', `The cloud profile "${id}" is not available any more.`, 'Pick a cloud profile and log in again.');
    return profile;
  }

  private ready(): Promise<void> {
    this.loaded ??= this.store.load().then(({ warning }) => {
      if (warning) this.opLog.write('cloud', 'warn', `Saved cloud profiles ignored: ${warning}`);
    });
    return this.loaded;
  }
}

function validDeviceId(deviceId: string): string {
  const parsed = DeviceIdSchema.safeParse(deviceId.toLowerCase());
  if (!parsed.success) throw new RescueError('INVALID_INPUT', `"${deviceId}" is not a device ID.`, 'A device ID is 24 hex digits, e.g. 0123456789abcdef01234567.');
  return parsed.data;
}

function validUpload(request: UploadRequest): UploadRequest {
  const pem = request.publicKeyPem.trim();
  if (pem.includes('PRIVATE KEY') || !/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----$/.test(pem)) {
    throw new RescueError('KEY_INVALID', 'Only a PEM public key (BEGIN PUBLIC KEY) can be uploaded.', 'Pass the public key derived from the device key, never the private key.');
  }
  return { deviceId: validDeviceId(request.deviceId), publicKeyPem: `${pem}\n`, algorithm: request.algorithm, productId: validProductId(request.productId) };
}

function validProductId(productId: number | undefined): number | undefined {
  if (productId !== undefined && !(Number.isInteger(productId) && productId > 0)) {
    throw new RescueError('INVALID_INPUT', `Product ID ${productId} is not valid.`, 'A product ID is a positive whole number, as shown in the Console.');
  }
  return productId;
}
