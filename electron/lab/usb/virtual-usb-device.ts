import type {
  UsbConfigurationLike,
  UsbControlSetup,
  UsbDeviceLike,
  UsbInResult,
  UsbInterfaceLike,
  UsbOutResult,
} from '../../services/usb/webusb';
import { type FaceSpec, configurationDescriptor, deviceDescriptor, stringDescriptor, webUsbConfiguration } from './descriptors';

/** What the firmware behind a face answers to class/vendor requests. */
export interface ControlHandler {
  in(setup: UsbControlSetup, length: number): Promise<Uint8Array | 'stall'>;
  out(setup: UsbControlSetup, data: Uint8Array): Promise<'ok' | 'stall'>;
  selectAlternate?(interfaceNumber: number, alternateSetting: number): void;
}

/** Device-wide hooks: transfer counting and fault injection run before every control transfer. */
export interface TransferGate {
  beforeTransfer(): Promise<'proceed' | 'stall' | 'disconnect'>;
  /** A data-less OUT request on a quirk platform never completes: how long until the host times out. */
  outWithoutDataStage?(): number | null;
  sleep(ms: number): Promise<void>;
}

const GET_DESCRIPTOR = 6;

function domError(name: 'InvalidStateError' | 'NotFoundError' | 'NetworkError', message: string): Error {
  return new DOMException(message, name);
}

function toBytes(data?: BufferSource): Uint8Array {
  if (!data) return new Uint8Array(0);
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/**
 * A WebUSB `USBDevice` backed by the lab: descriptors from a FaceSpec, standard GET_DESCRIPTOR
 * answered from them, class/vendor requests passed to the firmware model. Errors follow the WebUSB
 * spec: InvalidStateError when not opened / interface not claimed, NotFoundError once disconnected.
 */
export class VirtualUsbDevice implements UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber: string | null;
  readonly productName: string | null;
  readonly manufacturerName: string | null;
  readonly configurations: UsbConfigurationLike[];
  private openedFlag = false;
  private gone = false;
  private selected: UsbConfigurationLike | null;

  constructor(
    private readonly face: FaceSpec,
    private readonly handler: ControlHandler,
    private readonly gate: TransferGate,
  ) {
    this.vendorId = face.vendorId;
    this.productId = face.productId;
    this.serialNumber = face.strings.get(3) ?? null;
    this.productName = face.strings.get(2) ?? null;
    this.manufacturerName = face.strings.get(1) ?? null;
    this.configurations = [webUsbConfiguration(face)];
    this.selected = this.configurations[0];
  }

  get opened(): boolean {
    return this.openedFlag && !this.gone;
  }

  get configuration(): UsbConfigurationLike | null {
    return this.selected;
  }

  get disconnected(): boolean {
    return this.gone;
  }

  /** The cable is pulled or the device re-enumerates: this handle is dead for good. */
  disconnect(): void {
    this.gone = true;
    this.openedFlag = false;
    for (const iface of this.selected?.interfaces ?? []) iface.claimed = false;
  }

  private assertPresent(): void {
    if (this.gone) throw domError('NotFoundError', 'The device was disconnected.');
  }

  private assertOpen(): void {
    this.assertPresent();
    if (!this.openedFlag) throw domError('InvalidStateError', 'The device must be opened first.');
  }

  private interfaceOf(interfaceNumber: number): UsbInterfaceLike {
    const iface = this.selected?.interfaces.find((i) => i.interfaceNumber === interfaceNumber);
    if (!iface) throw domError('NotFoundError', `The interface number ${interfaceNumber} is not in the current configuration.`);
    return iface;
  }

  async open(): Promise<void> {
    this.assertPresent();
    this.openedFlag = true;
  }

  async close(): Promise<void> {
    if (this.gone) throw domError('NotFoundError', 'The device was disconnected.');
    this.openedFlag = false;
    for (const iface of this.selected?.interfaces ?? []) iface.claimed = false;
  }

  async selectConfiguration(configurationValue: number): Promise<void> {
    this.assertOpen();
    const config = this.configurations.find((c) => c.configurationValue === configurationValue);
    if (!config) throw domError('NotFoundError', `The configuration value ${configurationValue} is not supported.`);
    this.selected = config;
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    this.assertOpen();
    this.interfaceOf(interfaceNumber).claimed = true;
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    this.assertOpen();
    this.interfaceOf(interfaceNumber).claimed = false;
  }

  async selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void> {
    this.assertOpen();
    const iface = this.interfaceOf(interfaceNumber);
    if (!iface.claimed) throw domError('InvalidStateError', 'The interface must be claimed first.');
    const alternate = iface.alternates.find((a) => a.alternateSetting === alternateSetting);
    if (!alternate) throw domError('NotFoundError', `The alternate setting ${alternateSetting} is not supported.`);
    iface.alternate = alternate;
    this.handler.selectAlternate?.(interfaceNumber, alternateSetting);
  }

  private checkSetup(setup: UsbControlSetup): void {
    this.assertOpen();
    if (setup.recipient === 'interface') {
      const iface = this.interfaceOf(setup.index & 0xff);
      if (!iface.claimed) throw domError('InvalidStateError', 'The interface must be claimed first.');
    }
  }

  private async pass(): Promise<'proceed' | 'stall'> {
    const verdict = await this.gate.beforeTransfer();
    if (verdict === 'disconnect' || this.gone) throw domError('NotFoundError', 'The device was disconnected.');
    return verdict;
  }

  async controlTransferIn(setup: UsbControlSetup, length: number): Promise<UsbInResult> {
    this.checkSetup(setup);
    if ((await this.pass()) === 'stall') return { status: 'stall' };
    const reply = setup.requestType === 'standard' ? this.standardIn(setup) : await this.handler.in(setup, length);
    if (this.gone) throw domError('NotFoundError', 'The device was disconnected.');
    if (reply === 'stall') return { status: 'stall' };
    const bytes = reply.slice(0, length);
    return { status: 'ok', data: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }

  async controlTransferOut(setup: UsbControlSetup, data?: BufferSource): Promise<UsbOutResult> {
    this.checkSetup(setup);
    const bytes = toBytes(data);
    if (bytes.length === 0) {
      const hangMs = this.gate.outWithoutDataStage?.() ?? null;
      if (hangMs !== null) {
        await this.gate.sleep(hangMs);
        throw domError('NetworkError', 'Control transfer timed out (this platform needs a 1-byte data stage on OUT requests).');
      }
    }
    if ((await this.pass()) === 'stall') return { status: 'stall', bytesWritten: 0 };
    const result = setup.requestType === 'standard' ? 'stall' : await this.handler.out(setup, bytes);
    if (this.gone) throw domError('NotFoundError', 'The device was disconnected.');
    return result === 'stall' ? { status: 'stall', bytesWritten: 0 } : { status: 'ok', bytesWritten: bytes.length };
  }

  /** Standard device requests: only GET_DESCRIPTOR is needed (device, configuration, string). */
  private standardIn(setup: UsbControlSetup): Uint8Array | 'stall' {
    if (setup.request !== GET_DESCRIPTOR || setup.recipient !== 'device') return 'stall';
    const type = setup.value >> 8;
    const index = setup.value & 0xff;
    if (type === 1) return deviceDescriptor(this.face);
    if (type === 2 && index === 0) return configurationDescriptor(this.face);
    if (type === 3) return stringDescriptor(this.face, index) ?? 'stall';
    return 'stall';
  }
}
