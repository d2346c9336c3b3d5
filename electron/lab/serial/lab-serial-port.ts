import type { PortInfo } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { OutputQueue } from './output-queue';
import type { SerialLink } from './virtual-serial-end';

/** Virtual devices' ports are named `lab:<deviceId>`, so they are told apart from /dev/ttyACM0 or COM3. */
export const LAB_PORT_PREFIX = 'lab:';
/** Device → host bytes kept while nobody reads (Device OS keeps far less; this spares a slow reader). */
export const DEFAULT_SERIAL_BUFFER_BYTES = 64 * 1024;

export function isLabPortPath(path: string): boolean {
  return path.startsWith(LAB_PORT_PREFIX);
}

/** What the open port (the binding) is told by the device end. */
export interface HostConnection {
  dataAvailable(): void;
  /** The device dropped the port (reset, DFU, unplug): the open port is disconnected. */
  hangup(): void;
}

export interface LabPortIdentity {
  deviceId: string;
  vendorId: number;
  productId: number;
  productName: string;
}

const ports = new Map<string, LabSerialPort>();

/**
 * One virtual USB CDC port: the device end (`link`) on one side, at most one open host port (the
 * serialport binding) on the other. Exists in the process-wide table while it is registered; can be
 * opened only while the device enumerates its CDC interface.
 */
export class LabSerialPort {
  readonly path: string;
  readonly link: SerialLink;
  private readonly toHost: OutputQueue;
  private readonly dataListeners = new Set<(text: string) => void>();
  private readonly baudListeners = new Set<(baudRate: number) => void>();
  private host: HostConnection | null = null;
  private enumerated = false;
  private closed = false;

  constructor(
    readonly identity: LabPortIdentity,
    capacityBytes = DEFAULT_SERIAL_BUFFER_BYTES,
  ) {
    this.toHost = new OutputQueue(capacityBytes);
    let path = `${LAB_PORT_PREFIX}${identity.deviceId}`;
    for (let n = 2; ports.has(path); n++) path = `${LAB_PORT_PREFIX}${identity.deviceId}~${n}`;
    this.path = path;
    ports.set(path, this);
    this.link = {
      appPath: path,
      write: (text) => this.deviceWrite(text),
      onData: (listener) => subscribe(this.dataListeners, listener),
      onLineCoding: (listener) => subscribe(this.baudListeners, listener),
      present: (up) => this.setPresent(up),
      stats: () => this.toHost.stats(),
      close: async () => this.close(),
    };
  }

  get present(): boolean {
    return this.enumerated && !this.closed;
  }

  get opened(): boolean {
    return this.host !== null;
  }

  info(): PortInfo {
    const hex = (n: number) => n.toString(16).padStart(4, '0');
    return {
      path: this.path,
      manufacturer: 'Particle (virtual device lab)',
      serialNumber: this.identity.deviceId.toUpperCase(),
      pnpId: undefined,
      locationId: undefined,
      vendorId: hex(this.identity.vendorId),
      productId: hex(this.identity.productId),
    };
  }

  /** The binding opens the port: only while enumerated, one host at a time (like a locked tty). */
  attachHost(host: HostConnection, baudRate: number): void {
    if (!this.present) throw new Error(`No such file or directory, cannot open ${this.path}`);
    if (this.host) throw new Error(`Resource temporarily unavailable, cannot lock port ${this.path}`);
    this.host = host;
    this.lineCoding(baudRate);
    if (this.toHost.stats().bufferedBytes > 0) host.dataAvailable();
  }

  detachHost(host: HostConnection): void {
    if (this.host === host) this.host = null;
  }

  takeForHost(max: number): Buffer | null {
    return this.toHost.take(max);
  }

  /** Bytes the host wrote: the device reads them a moment later, as over USB. */
  fromHost(data: Buffer): void {
    const text = data.toString('utf8');
    setImmediate(() => {
      for (const listener of [...this.dataListeners]) listener(text);
    });
  }

  lineCoding(baudRate: number): void {
    setImmediate(() => {
      for (const listener of [...this.baudListeners]) listener(baudRate);
    });
  }

  private deviceWrite(text: string): void {
    if (this.closed || text.length === 0) return;
    this.toHost.push(Buffer.from(text, 'utf8'));
    this.host?.dataAvailable();
  }

  private setPresent(up: boolean): void {
    if (this.enumerated === up) return;
    this.enumerated = up;
    if (!up) this.dropHost();
  }

  private dropHost(): void {
    // The device's USB buffer does not survive the port going away.
    this.toHost.discard();
    const host = this.host;
    this.host = null;
    host?.hangup();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropHost();
    this.dataListeners.clear();
    this.baudListeners.clear();
    if (ports.get(this.path) === this) ports.delete(this.path);
  }
}

function subscribe<T>(set: Set<T>, listener: T): () => void {
  set.add(listener);
  return () => set.delete(listener);
}

export function findLabPort(path: string): LabSerialPort | undefined {
  return ports.get(path);
}

/** Ports of virtual devices that enumerate a CDC interface right now. */
export function presentLabPorts(): LabSerialPort[] {
  return [...ports.values()].filter((p) => p.present);
}
