import { RescueError } from '../../../shared/errors';
import type { UsbDeviceLike } from '../usb/webusb';
import { ControlTransport, type ControlClientOptions, type ControlReply, type RequestOptions } from './control-transport';
import { decodeReply, encodeRequest } from './messages';
import { toDeviceModuleInfo, type DeviceModuleInfo } from './module-info';

export { CHECK_INTERVALS_MS, transferError, type ControlClientOptions, type ControlReply, type RequestOptions } from './control-transport';

export type CloudStatus = 'disconnected' | 'connecting' | 'connected' | 'disconnecting';

const VENDOR_INDEX = { DEVICE_ID: 20, SYSTEM_VERSION: 30, RESET: 40 } as const;

const REQUEST = {
  DEVICE_ID: 20,
  SYSTEM_VERSION: 30,
  RESET: 40,
  DFU_MODE: 50,
  SAFE_MODE: 60,
  START_LISTENING: 70,
  GET_DEVICE_MODE: 72,
  GET_MODULE_INFO: 90,
  CLOUD_STATUS: 300,
} as const;

const CLOUD_STATUS: readonly CloudStatus[] = ['disconnected', 'connecting', 'connected', 'disconnecting'];

/**
 * The typed Particle control requests of a device in normal / listening mode: device ID, Device OS
 * version, mode changes, module info, cloud status. Each one is a request number and its protobuf
 * messages over the ControlTransport.
 */
export class ControlClient {
  private readonly transport: ControlTransport;

  constructor(usb: UsbDeviceLike, opts: ControlClientOptions) {
    this.transport = new ControlTransport(usb, opts);
  }

  open(): Promise<void> {
    return this.transport.open();
  }

  /** Sends one typed request; a non-zero result becomes a typed error. */
  request(type: number, name: string, payload: Uint8Array<ArrayBuffer> = new Uint8Array(0), options: RequestOptions = {}): Promise<ControlReply> {
    return this.transport.request(type, name, payload, options);
  }

  async deviceId(options?: RequestOptions): Promise<string> {
    const plain = await this.transport.vendorIn(VENDOR_INDEX.DEVICE_ID, options);
    if (plain && /^[0-9a-f]{24}/i.test(plain)) return plain.slice(0, 24).toLowerCase();
    const reply = await this.protobufRequest(REQUEST.DEVICE_ID, 'GetDeviceIdRequest', 'GetDeviceIdReply', options);
    return String(reply.id ?? '').toLowerCase();
  }

  /** Device OS version string; null when the device cannot tell (pre-0.6 firmware, no request 30). */
  async systemVersion(options?: RequestOptions): Promise<string | null> {
    const plain = await this.transport.vendorIn(VENDOR_INDEX.SYSTEM_VERSION, options);
    if (plain) return plain;
    try {
      const reply = await this.protobufRequest(REQUEST.SYSTEM_VERSION, 'GetSystemVersionRequest', 'GetSystemVersionReply', options);
      return typeof reply.version === 'string' && reply.version ? reply.version : null;
    } catch (error) {
      if (RescueError.is(error, 'CONTROL_NOT_SUPPORTED')) return null;
      throw error;
    }
  }

  async deviceMode(options?: RequestOptions): Promise<'normal' | 'listening'> {
    const reply = await this.protobufRequest(REQUEST.GET_DEVICE_MODE, 'GetDeviceModeRequest', 'GetDeviceModeReply', options);
    return reply.mode === 1 ? 'listening' : 'normal';
  }

  async enterDfu(options?: RequestOptions): Promise<void> {
    await this.transport.rebootRequest(REQUEST.DFU_MODE, 'enter DFU mode', new Uint8Array(0), options);
  }

  async enterListening(options?: RequestOptions): Promise<void> {
    await this.request(REQUEST.START_LISTENING, 'start listening', encodeRequest('StartListeningModeRequest'), options);
  }

  async enterSafeMode(options?: RequestOptions): Promise<void> {
    await this.transport.rebootRequest(REQUEST.SAFE_MODE, 'enter safe mode', new Uint8Array(0), options);
  }

  /** `force` uses the one-shot 0x50/40 request, which resets even when the firmware is busy. */
  async reset(options: RequestOptions & { force?: boolean } = {}): Promise<void> {
    if (options.force) {
      await this.transport.vendorOut(VENDOR_INDEX.RESET, options);
      return;
    }
    await this.transport.rebootRequest(REQUEST.RESET, 'reset', encodeRequest('SystemResetRequest'), options);
  }

  async moduleInfo(options?: RequestOptions): Promise<DeviceModuleInfo[]> {
    const reply = await this.protobufRequest(REQUEST.GET_MODULE_INFO, 'GetModuleInfoRequest', 'GetModuleInfoReply', options);
    return toDeviceModuleInfo(reply);
  }

  async cloudStatus(options?: RequestOptions): Promise<CloudStatus> {
    const reply = await this.protobufRequest(REQUEST.CLOUD_STATUS, 'cloud.GetConnectionStatusRequest', 'cloud.GetConnectionStatusReply', options);
    return CLOUD_STATUS[Number(reply.status ?? 0)] ?? 'disconnected';
  }

  private async protobufRequest(
    type: number,
    requestName: string,
    replyName: string,
    options?: RequestOptions,
  ): Promise<Record<string, unknown>> {
    const reply = await this.request(type, requestName.replace(/Request$/, ''), encodeRequest(requestName), options);
    return decodeReply(replyName, reply.data);
  }
}
