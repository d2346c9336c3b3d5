import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { CloudProfile } from '../../../shared/contract/cloud';
import { isAllowedHost, tokenMatches } from '../../host/host-guard';
import { DEMO_ACCOUNT } from '../cloud/cloud-accounts';
import { VirtualCloud } from '../cloud/virtual-cloud';
import { DeviceLab } from '../device-lab';
import { SCENARIOS, scenarioDef } from '../scenarios/catalogue';
import type { TimingName } from '../util/timing';
import { type LabRecord, ensureLabDir, labAnswers, labUsageError, pidAlive, readLabRecord, removeLabRecord, writeLabRecord } from './lab-files';
import { type LabState, loadLabState, saveLabState } from './lab-state';
import { UsbBridge } from './usb-bridge';

export interface LabServiceOptions {
  labDir: string;
  /** Scenarios to plug in (those already in the saved lab are resumed, not rebuilt). */
  scenarios: string[];
  /** Timing of a new lab; a resumed lab keeps its saved timing unless this is given. */
  timing?: TimingName;
  /** Debounce between a change and its save (default 200 ms). */
  saveDelayMs?: number;
}

export interface LabDeviceStatus {
  deviceId: string;
  scenario: string;
  mode: string;
  led: string;
  cloudOnline: boolean;
}

export interface LabStatus {
  labId: string;
  labDir: string;
  pid: number;
  started: string;
  timing: TimingName;
  cloudBaseUrl: string;
  devices: LabDeviceStatus[];
}

/** What a client needs to attach: the lab's cloud as a profile, a demo-account token, the devices. */
export interface LabSession {
  labId: string;
  cloudProfile: CloudProfile;
  accessToken: string;
  devices: { deviceId: string; scenario: string }[];
}

export function unknownScenarioError(name: string): Error {
  return labUsageError(`There is no virtual-device scenario called "${name}".`, `Pick one of: ${SCENARIOS.map((s) => s.name).join(', ')} (\`lab list\` describes them).`);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : null;
}

/**
 * A long-lived lab: virtual devices and their virtual cloud in one process, reachable on loopback by
 * token (HTTP for control, a WebSocket for USB), with its state saved in the lab folder so separate
 * CLI processes, the rescue host and the desktop app act on the same devices, across restarts.
 */
export class LabService {
  readonly record: LabRecord;
  private readonly stoppedPromise: Promise<void>;
  private resolveStopped!: () => void;
  private saveTimer: NodeJS.Timeout | null = null;
  private cloudRequests = 0;
  private readonly watch: NodeJS.Timeout;
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly opts: LabServiceOptions,
    private labId: string,
    private readonly timing: TimingName,
    private readonly cloud: VirtualCloud,
    private lab: DeviceLab,
    private bridge: UsbBridge,
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    token: string,
  ) {
    this.record = { port: (server.address() as AddressInfo).port, token, pid: process.pid, started: new Date().toISOString(), labId };
    this.stoppedPromise = new Promise((resolve) => (this.resolveStopped = resolve));
    // Cloud changes (a key upload) arrive over the cloud's own HTTP API: watch its request count.
    this.watch = setInterval(() => {
      const count = this.cloud.requests().length;
      if (count !== this.cloudRequests) {
        this.cloudRequests = count;
        this.changed();
      }
    }, 250);
  }

  /** Starts the service in this process; refuses when a live lab already owns the folder. */
  static async start(opts: LabServiceOptions): Promise<LabService> {
    for (const name of opts.scenarios) if (!scenarioDef(name)) throw unknownScenarioError(name);
    ensureLabDir(opts.labDir);
    const existing = readLabRecord(opts.labDir);
    if (existing && pidAlive(existing.pid) && (await labAnswers(existing))) {
      throw labUsageError(
        `A lab is already running on ${opts.labDir} (pid ${existing.pid}, port ${existing.port}).`,
        'Use that lab (`lab status`), stop it first (`lab stop`), or start this one on another folder with --lab-dir <folder>.',
      );
    }
    const saved = loadLabState(opts.labDir);
    const timing = opts.timing ?? saved?.timing ?? 'realistic';
    const cloud = new VirtualCloud(saved ? { serverKeys: saved.cloud.serverKeys } : {});
    await cloud.start();
    if (saved) cloud.importState(saved.cloud);
    const lab = new DeviceLab({ timing, cloud });
    for (const device of saved?.devices ?? []) {
      if (!scenarioDef(device.scenario)) continue;
      await lab.attach(device.scenario, { deviceId: device.deviceId, restore: device.snapshot });
    }
    for (const name of opts.scenarios) {
      if (!lab.list().some((d) => d.scenario === name)) await lab.attach(name);
    }
    const token = randomBytes(24).toString('base64url');
    const labId = saved?.labId ?? randomBytes(8).toString('hex');
    let service: LabService | null = null;
    const server = createServer((req, res) => {
      if (!service) return json(res, 503, { error: 'starting' });
      service.handle(req, res).catch((error: unknown) => json(res, 500, { error: error instanceof Error ? error.message : String(error) }));
    });
    const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const bridge = new UsbBridge(lab, () => service?.changed());
    service = new LabService(opts, labId, timing, cloud, lab, bridge, server, wss, token);
    server.on('upgrade', (req, socket, head) => service!.upgrade(req, socket, head));
    lab.source.onChange(() => service?.changed());
    service.save();
    writeLabRecord(opts.labDir, service.record);
    return service;
  }

  /** Resolves once the service has stopped (a `lab stop`, a signal, or stop()). */
  get stopped(): Promise<void> {
    return this.stoppedPromise;
  }

  status(): LabStatus {
    return {
      labId: this.labId,
      labDir: this.opts.labDir,
      pid: this.record.pid,
      started: this.record.started,
      timing: this.timing,
      cloudBaseUrl: this.cloud.baseUrl(),
      devices: this.lab.list().map((d) => ({ deviceId: d.deviceId, scenario: d.scenario, mode: d.mode, led: d.led().patternId, cloudOnline: d.cloudOnline })),
    };
  }

  session(): LabSession {
    return { labId: this.labId, cloudProfile: this.cloud.cloudProfile(), accessToken: this.cloud.createToken(DEMO_ACCOUNT.username), devices: this.bridge.devices() };
  }

  /**
   * Back to the scenario's first state: its devices are rebuilt and the cloud holds the scenario's key
   * again. Without a scenario the whole lab starts over (a new lab identity, an empty cloud).
   */
  async reset(scenario?: string): Promise<LabStatus> {
    if (scenario !== undefined && !scenarioDef(scenario)) throw unknownScenarioError(scenario);
    const targets = this.lab.list().filter((d) => scenario === undefined || d.scenario === scenario);
    const rebuild = targets.map((d) => ({ scenario: d.scenario, deviceId: d.deviceId }));
    for (const device of targets) await this.lab.detach(device.deviceId);
    if (scenario === undefined) {
      this.cloud.importState({ accounts: [], devices: [] });
      this.labId = randomBytes(8).toString('hex');
    }
    if (scenario !== undefined && rebuild.length === 0) rebuild.push({ scenario, deviceId: '' });
    for (const { scenario: name, deviceId } of rebuild) await this.lab.attach(name, deviceId ? { deviceId } : {});
    this.bridge.devicesChanged();
    this.save();
    return this.status();
  }

  /** Saves, closes every connection, unplugs the devices, removes lab.json. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.watch);
      if (this.saveTimer) clearTimeout(this.saveTimer);
      this.save();
      this.bridge.close();
      this.wss.close();
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      await this.lab.close();
      await this.cloud.stop();
      removeLabRecord(this.opts.labDir, this.record.pid);
      this.resolveStopped();
    })();
    return this.stopping;
  }

  /** The state as saved now (also what `save()` writes). */
  snapshot(): LabState {
    return {
      labId: this.labId,
      timing: this.timing,
      devices: this.lab.list().map((d) => ({ scenario: d.scenario, deviceId: d.deviceId, snapshot: d.snapshot() })),
      cloud: this.cloud.exportState(),
    };
  }

  save(): void {
    saveLabState(this.opts.labDir, this.snapshot());
  }

  private changed(): void {
    if (this.saveTimer || this.stopping) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.save();
    }, this.opts.saveDelayMs ?? 200);
  }

  /** Loopback name, no browser Origin (web pages cannot reach the lab), the token. */
  private refusal(req: IncomingMessage): { status: number; reason: string } | null {
    if (!isAllowedHost(req.headers.host, this.record.port)) return { status: 421, reason: 'Host is not a loopback name of this lab' };
    if (req.headers.origin !== undefined) return { status: 403, reason: 'The lab service does not serve web pages' };
    if (!tokenMatches(this.record.token, bearer(req))) return { status: 401, reason: 'Missing or wrong lab token' };
    return null;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refused = new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/usb' ? { status: 404, reason: 'Not Found' } : this.refusal(req);
    if (refused || this.stopping) {
      const { status, reason } = refused ?? { status: 503, reason: 'Stopping' };
      socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.bridge.connect(ws));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = this.refusal(req);
    if (refused) return json(res, refused.status, { error: refused.reason });
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const route = `${req.method ?? 'GET'} ${path}`;
    if (route === 'GET /lab/status') return json(res, 200, this.status());
    if (route === 'POST /lab/session') return json(res, 200, this.session());
    if (route === 'POST /lab/stop') {
      json(res, 200, { stopping: true });
      setImmediate(() => void this.stop());
      return;
    }
    if (route === 'POST /lab/reset') {
      const body = await readBody(req);
      try {
        return json(res, 200, await this.reset(typeof body.scenario === 'string' ? body.scenario : undefined));
      } catch (error) {
        const e = error as { message: string; fix?: string };
        return json(res, 400, { error: e.message, fix: e.fix });
      }
    }
    return json(res, 404, { error: `No route ${route}` });
  }
}
