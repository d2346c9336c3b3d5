import type { WebSocket } from 'ws';
import type { SerialAccess, SerialPortRef, UsbSource, UsbSourceDevice } from '../../services/usb/usb-source';
import type {
  UsbConfigurationLike,
  UsbControlSetup,
  UsbDeviceLike,
  UsbInResult,
  UsbOutResult,
} from '../../services/usb/webusb';
import { type FaceInfo, type FaceState, type LabDeviceInfo, type ServerMessage, type UsbMethod, fromBase64, toBase64 } from './usb-wire';

type Listener = Parameters<UsbSource['onChange']>[0];
type Call = (message: { op: 'call'; handle: number; method: UsbMethod; args: unknown[] } | { op: 'touchBaud'; deviceId: string; baud: number }) => Promise<{ result: unknown; state?: FaceState }>;

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** A WebUSB USBDevice whose every call runs on the lab service's virtual device. */
export class RemoteUsbDevice implements UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber: string | null;
  readonly productName: string | null;
  readonly manufacturerName: string | null;
  readonly configurations: UsbConfigurationLike[];
  private openedFlag: boolean;
  private selected: UsbConfigurationLike | null = null;
  gone = false;

  constructor(
    readonly info: FaceInfo,
    private readonly call: Call,
  ) {
    this.vendorId = info.vendorId;
    this.productId = info.productId;
    this.serialNumber = info.serialNumber;
    this.productName = info.productName;
    this.manufacturerName = info.manufacturerName;
    this.configurations = info.configurations;
    this.openedFlag = info.state.opened;
    this.apply(info.state);
  }

  get opened(): boolean {
    return this.openedFlag && !this.gone;
  }

  get configuration(): UsbConfigurationLike | null {
    return this.selected;
  }

  open(): Promise<void> {
    return this.run('open', []);
  }

  close(): Promise<void> {
    return this.run('close', []);
  }

  selectConfiguration(configurationValue: number): Promise<void> {
    return this.run('selectConfiguration', [configurationValue]);
  }

  claimInterface(interfaceNumber: number): Promise<void> {
    return this.run('claimInterface', [interfaceNumber]);
  }

  releaseInterface(interfaceNumber: number): Promise<void> {
    return this.run('releaseInterface', [interfaceNumber]);
  }

  selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void> {
    return this.run('selectAlternateInterface', [interfaceNumber, alternateSetting]);
  }

  async controlTransferIn(setup: UsbControlSetup, length: number): Promise<UsbInResult> {
    const reply = (await this.send('controlTransferIn', [setup, length])) as { status: UsbInResult['status']; data: string | null };
    if (reply.data === null) return { status: reply.status };
    const bytes = fromBase64(reply.data);
    return { status: reply.status, data: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }

  async controlTransferOut(setup: UsbControlSetup, data?: BufferSource): Promise<UsbOutResult> {
    return (await this.send('controlTransferOut', [setup, toBase64(data)])) as UsbOutResult;
  }

  /** The face left the bus (re-enumeration, unplug, lab gone): this handle is dead for good. */
  disconnect(): void {
    this.gone = true;
    this.openedFlag = false;
  }

  private async run(method: UsbMethod, args: unknown[]): Promise<void> {
    await this.send(method, args);
  }

  private async send(method: UsbMethod, args: unknown[]): Promise<unknown> {
    if (this.gone) throw namedError('NotFoundError', 'The device was disconnected.');
    const { result, state } = await this.call({ op: 'call', handle: this.info.handle, method, args });
    if (state) this.apply(state);
    return result;
  }

  /** Mirror the service's view: objects keep their identity, as a USBDevice's do. */
  private apply(state: FaceState): void {
    this.openedFlag = state.opened;
    this.selected = this.configurations.find((c) => c.configurationValue === state.configurationValue) ?? null;
    for (const s of state.interfaces) {
      const iface = this.selected?.interfaces.find((i) => i.interfaceNumber === s.interfaceNumber);
      if (!iface) continue;
      iface.claimed = s.claimed;
      iface.alternate = iface.alternates.find((a) => a.alternateSetting === s.alternateSetting) ?? iface.alternate;
    }
  }
}

/**
 * The product's UsbSource for a lab running in another process: lists the lab's current faces and
 * reports every attach/detach the service announces, so every service works unchanged.
 */
export class RemoteLabUsbSource implements UsbSource {
  private readonly listeners = new Set<Listener>();
  private readonly faces = new Map<number, RemoteUsbDevice>();
  private readonly pending = new Map<number, { resolve: (v: { result: unknown; state?: FaceState }) => void; reject: (e: Error) => void }>();
  private labDevices: LabDeviceInfo[] = [];
  private nextId = 1;
  private closed = false;
  readonly ready: Promise<void>;
  readonly serialAccess: SerialAccess;

  constructor(private readonly ws: WebSocket) {
    this.ready = new Promise((resolve, reject) => {
      ws.once('error', reject);
      const onHello = (data: unknown) => {
        const message = JSON.parse(String(data)) as ServerMessage;
        if (message.type !== 'hello') return;
        ws.off('message', onHello);
        ws.off('error', reject);
        this.labDevices = message.devices;
        for (const face of message.faces) this.faces.set(face.handle, new RemoteUsbDevice(face, this.call));
        ws.on('message', (d) => this.receive(String(d)));
        resolve();
      };
      ws.on('message', onHello);
    });
    ws.on('close', () => this.lost());
    ws.on('error', () => undefined);
    this.serialAccess = {
      // Serial logs are not proxied from a lab service (yet): the port lives in the lab's process.
      locate: async (): Promise<SerialPortRef | null> => null,
      touchBaud: async (deviceId, baud) => {
        await this.call({ op: 'touchBaud', deviceId, baud });
      },
    };
  }

  /** A device of this lab, also while it re-enumerates (no face on the bus for a moment). */
  has(deviceId: string): boolean {
    return this.labDevices.some((d) => d.deviceId === deviceId);
  }

  devices(): LabDeviceInfo[] {
    return [...this.labDevices];
  }

  async list(): Promise<UsbSourceDevice[]> {
    return [...this.faces.values()].filter((f) => !f.gone).map((f) => this.entry(f));
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  problem(): null {
    return null;
  }

  close(): void {
    this.closed = true;
    this.ws.close();
  }

  private readonly call: Call = (message) => {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) {
      return Promise.reject(namedError('NotFoundError', 'The lab service is no longer reachable (the device was disconnected).'));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, ...message }));
    });
  };

  private receive(text: string): void {
    const message = JSON.parse(text) as ServerMessage;
    if (message.type === 'reply') {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!waiter) return;
      if (message.ok) waiter.resolve({ result: message.result, state: message.state });
      else waiter.reject(namedError(message.error.name, message.error.message));
    } else if (message.type === 'attach') {
      const device = new RemoteUsbDevice(message.face, this.call);
      if (!this.labDevices.some((d) => d.deviceId === message.face.deviceId)) this.labDevices.push({ deviceId: message.face.deviceId, scenario: message.face.scenario });
      this.faces.set(message.face.handle, device);
      this.emit('attach', device);
    } else if (message.type === 'detach') {
      const device = this.faces.get(message.handle);
      this.faces.delete(message.handle);
      if (device) {
        device.disconnect();
        this.emit('detach', device);
      }
    } else if (message.type === 'devices') {
      this.labDevices = message.devices;
    }
  }

  /** The service stopped or the socket broke: every face is gone, every waiting call fails as unplugged. */
  private lost(): void {
    for (const waiter of this.pending.values()) waiter.reject(namedError('NotFoundError', 'The lab service went away (the device was disconnected).'));
    this.pending.clear();
    for (const [handle, device] of this.faces) {
      this.faces.delete(handle);
      device.disconnect();
      this.emit('detach', device);
    }
  }

  private entry(device: RemoteUsbDevice): UsbSourceDevice {
    return { device, virtual: true, scenario: device.info.scenario };
  }

  private emit(kind: 'attach' | 'detach', device: RemoteUsbDevice): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ kind, device: this.entry(device) });
      } catch {
        // One failing listener must not keep the others from hearing about the device.
      }
    }
  }
}
