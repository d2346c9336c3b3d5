import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudProfile } from '../../../shared/contract/cloud';
import { CloudAccounts, type CloudAccount } from './cloud-accounts';
import type { CloudProtocol } from '../../../shared/domain/platforms';
import type { HandshakeResult, VirtualCloudLike } from '../cloud-link';
import { CloudDevices, toSpkiDer, type RegisterDeviceInfo, type SavedDeviceRecord } from './cloud-devices';
import { CloudHttpError, basicCredentials, bearerToken, checkHost, readFields, sendJson } from './cloud-http';
import { generateServerKeys, type ServerKeyPair } from './server-keys';
import { DeviceOsReleases } from './device-os-releases';

export { generateServerKeys, type ServerKeyPair };

export interface VirtualCloudOptions {
  /** HTTP port for the API; 0 = any free port (kept across stop/start so profiles stay valid). */
  port?: number;
  /** Device-facing ports advertised in the server address record. */
  devicePorts?: Record<CloudProtocol, number>;
  /**
   * The cloud's server identity; a fresh one when absent. RSA-2048 generation takes a few hundred ms,
   * so test suites that start many clouds may generate one with `generateServerKeys()` and share it.
   */
  serverKeys?: Record<CloudProtocol, ServerKeyPair>;
  now?: () => Date;
  /** Which cloud this is: records of "keys this cloud holds" are tied to it. Fresh per instance when absent. */
  instanceId?: string;
}

export interface CloudRequestRecord {
  method: string;
  /** Path only: the query string may carry an access token. */
  path: string;
  status: number;
}

export interface VirtualCloudState {
  accounts: CloudAccount[];
  devices: SavedDeviceRecord[];
  serverKeys: Record<CloudProtocol, ServerKeyPair>;
}

export const VIRTUAL_CLOUD_PROFILE_ID = 'virtual-cloud';
const HOST = '127.0.0.1';

/**
 * A Particle Cloud on 127.0.0.1: the HTTP API the app uses (login with MFA, key provisioning, device
 * status) plus the device side the lab's virtual devices handshake with. It never logs.
 */
export class VirtualCloud implements VirtualCloudLike {
  private readonly accounts: CloudAccounts;
  private readonly devices: CloudDevices;
  private readonly serverKeys: Record<CloudProtocol, ServerKeyPair>;
  private readonly devicePorts: Record<CloudProtocol, number>;
  private server: Server | null = null;
  private port: number;
  private failures: { remaining: number; status: number } = { remaining: 0, status: 503 };
  private readonly log: CloudRequestRecord[] = [];
  /** This cloud's identity: a new virtual cloud does not hold the keys an earlier one held. */
  readonly instanceId: string;
  /** Device OS releases built by the lab, served through the Device OS versions API. */
  readonly deviceOs = new DeviceOsReleases((req, url) => void this.accounts.userOfToken(bearerToken(req, url)));

  constructor(options: VirtualCloudOptions = {}) {
    const now = options.now ?? (() => new Date());
    this.accounts = new CloudAccounts(() => now().getTime());
    this.devices = new CloudDevices(now);
    this.serverKeys = options.serverKeys ?? generateServerKeys();
    this.devicePorts = options.devicePorts ?? { tcp: 5683, udp: 5684 };
    this.port = options.port ?? 0;
    this.instanceId = options.instanceId ?? randomUUID();
  }

  async start(): Promise<{ baseUrl: string }> {
    if (this.server) return { baseUrl: this.baseUrl() };
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return { baseUrl: this.baseUrl() };
  }

  /** Stops answering (the app then sees the cloud as unreachable); `start()` resumes on the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get running(): boolean {
    return this.server !== null;
  }

  baseUrl(): string {
    if (!this.server) throw new Error('The virtual cloud is not started.');
    return `http://${HOST}:${this.port}`;
  }

  /** The profile that lets the app talk to this cloud like to any private cloud. */
  cloudProfile(): CloudProfile {
    return {
      id: VIRTUAL_CLOUD_PROFILE_ID,
      name: 'Virtual Particle Cloud',
      kind: 'virtual',
      instanceId: this.instanceId,
      apiBaseUrl: this.baseUrl(),
      serverKeys: {
        tcp: this.serverKeys.tcp.publicKeySpki.toString('base64'),
        udp: this.serverKeys.udp.publicKeySpki.toString('base64'),
      },
      serverAddress: { tcp: this.serverAddress('tcp'), udp: this.serverAddress('udp') },
    };
  }

  serverPublicKeySpki(protocol: CloudProtocol): Uint8Array {
    return new Uint8Array(this.serverKeys[protocol].publicKeySpki);
  }

  serverAddress(protocol: CloudProtocol): { host: string; port: number } {
    return { host: HOST, port: this.devicePorts[protocol] };
  }

  registerDevice(deviceId: string, info: RegisterDeviceInfo): void {
    this.devices.register(deviceId, info);
  }

  /** The public key the cloud holds for a device (SPKI DER), or null when it holds none. */
  devicePublicKeySpki(deviceId: string): Uint8Array | null {
    return this.devices.publicKeyOf(deviceId);
  }

  /**
   * A device connecting: it reaches this cloud only when it dials this cloud's host with this cloud's
   * server key, and comes online only when its key is the one the cloud holds for it.
   */
  handshake(
    deviceId: string,
    protocol: CloudProtocol,
    devicePublicKeySpki: Uint8Array,
    serverKeySpkiUsedByDevice: Uint8Array,
    serverHost: string,
  ): HandshakeResult {
    const reachesUs = serverHost === HOST || serverHost === 'localhost';
    return this.devices.handshake(deviceId, devicePublicKeySpki, reachesUs && this.isOwnServerKey(protocol, serverKeySpkiUsedByDevice));
  }

  setOnline(deviceId: string, online: boolean): void {
    this.devices.setOnline(deviceId, online);
  }

  addAccount(account: CloudAccount): void {
    this.accounts.addAccount(account);
  }

  /** Accounts, device records (owner, product, public key) and server identity, for a lab that persists. */
  exportState(): VirtualCloudState {
    return { accounts: this.accounts.exportAccounts(), devices: this.devices.exportRecords(), serverKeys: this.serverKeys };
  }

  /** Takes over saved accounts and device records (the server identity is given to the constructor). */
  importState(state: Pick<VirtualCloudState, 'accounts' | 'devices'>): void {
    for (const account of state.accounts) this.accounts.addAccount(account);
    this.devices.importRecords(state.devices);
  }

  /** A valid access token without a login round trip (tests and demo mode). */
  createToken(username: string): string {
    return this.accounts.createToken(username);
  }

  revokeToken(token: string): void {
    this.accounts.revokeToken(token);
  }

  /** The next `count` API requests answer `status` (fault injection for upload retries). */
  failNextRequests(count: number, status = 503): void {
    this.failures = { remaining: count, status };
  }

  requests(): CloudRequestRecord[] {
    return [...this.log];
  }

  private isOwnServerKey(protocol: CloudProtocol, spki: Uint8Array): boolean {
    try {
      return toSpkiDer(spki).equals(this.serverKeys[protocol].publicKeySpki);
    } catch {
      return false;
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    let status = 500;
    try {
      if (this.failures.remaining === 0 && this.deviceOs.handle(req, res, url, this.baseUrl())) {
        this.log.push({ method: req.method ?? 'GET', path: url.pathname, status: 200 });
        return;
      }
      const body = await this.route(req, url);
      status = 200;
      sendJson(res, status, body);
    } catch (error) {
      const failure =
        error instanceof CloudHttpError
          ? error
          : error instanceof URIError
            ? new CloudHttpError(400, 'invalid_request', 'The path has malformed percent-encoding.')
            : new CloudHttpError(500, 'server_error', 'Internal error.');
      status = failure.status;
      sendJson(res, status, failure.body());
    }
    this.log.push({ method: req.method ?? 'GET', path: url.pathname, status });
  }

  private async route(req: IncomingMessage, url: URL): Promise<unknown> {
    checkHost(req, this.port);
    if (this.failures.remaining > 0) {
      this.failures.remaining -= 1;
      throw new CloudHttpError(this.failures.status, 'service_unavailable', 'The virtual cloud is failing on purpose.');
    }
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '');
    if (method === 'POST' && path === '/oauth/token') return this.token(req, await readFields(req));
    const provisioning = /^\/v1\/provisioning\/([^/]+)$/.exec(path);
    if (method === 'POST' && provisioning) {
      const fields = await readFields(req);
      const user = this.accounts.userOfToken(bearerToken(req, url) ?? fields.access_token ?? null);
      return this.devices.provision(user, decodeURIComponent(provisioning[1]), fields);
    }
    const device = /^\/v1\/devices\/([^/]+)$/.exec(path);
    if (method === 'GET' && device) {
      return this.devices.info(this.accounts.userOfToken(bearerToken(req, url)), decodeURIComponent(device[1]));
    }
    const productDevice = /^\/v1\/products\/([^/]+)\/devices\/([^/]+)$/.exec(path);
    if (method === 'GET' && productDevice) {
      const user = this.accounts.userOfToken(bearerToken(req, url));
      return this.devices.productDeviceInfo(user, decodeURIComponent(productDevice[1]), decodeURIComponent(productDevice[2]));
    }
    if (method === 'GET' && path === '/v1/user') {
      return { username: this.accounts.userOfToken(bearerToken(req, url)), mfa: { enabled: false } };
    }
    throw new CloudHttpError(404, 'not_found', `No route ${method} ${path}.`);
  }

  private token(req: IncomingMessage, fields: Record<string, string>): unknown {
    const client = basicCredentials(req) ?? { user: fields.client_id, secret: fields.client_secret };
    this.accounts.checkClient(client.user, client.secret);
    if (fields.grant_type === 'password') return this.accounts.passwordGrant(fields.username, fields.password);
    if (fields.grant_type === 'urn:custom:mfa-otp') return this.accounts.otpGrant(fields.mfa_token, fields.otp);
    throw new CloudHttpError(400, 'unsupported_grant_type', 'The grant type is not supported.');
  }
}
