import type { UsbConfigurationLike, UsbDeviceLike } from '../../services/usb/webusb';

/**
 * The lab service's USB wire format (JSON over a loopback WebSocket). A face is one USB appearance of
 * a virtual device (normal or DFU); it gets a handle that dies with it, like a WebUSB USBDevice.
 */
export const USB_METHODS = [
  'open',
  'close',
  'selectConfiguration',
  'claimInterface',
  'releaseInterface',
  'selectAlternateInterface',
  'controlTransferIn',
  'controlTransferOut',
] as const;
export type UsbMethod = (typeof USB_METHODS)[number];

/** What changes on a face as calls go through: opened, configuration, claims and alternates. */
export interface FaceState {
  opened: boolean;
  configurationValue: number | null;
  interfaces: { interfaceNumber: number; claimed: boolean; alternateSetting: number }[];
}

export interface FaceInfo {
  handle: number;
  deviceId: string;
  scenario: string;
  vendorId: number;
  productId: number;
  serialNumber: string | null;
  productName: string | null;
  manufacturerName: string | null;
  configurations: UsbConfigurationLike[];
  state: FaceState;
}

export interface LabDeviceInfo {
  deviceId: string;
  scenario: string;
}

export type ClientMessage =
  | { id: number; op: 'call'; handle: number; method: UsbMethod; args: unknown[] }
  | { id: number; op: 'touchBaud'; deviceId: string; baud: number };

export type ServerMessage =
  | { type: 'reply'; id: number; ok: true; result: unknown; state?: FaceState }
  | { type: 'reply'; id: number; ok: false; error: { name: string; message: string } }
  | { type: 'hello'; faces: FaceInfo[]; devices: LabDeviceInfo[] }
  | { type: 'attach'; face: FaceInfo }
  | { type: 'detach'; handle: number }
  | { type: 'devices'; devices: LabDeviceInfo[] };

export function faceState(usb: UsbDeviceLike): FaceState {
  const config = usb.configuration ?? null;
  return {
    opened: usb.opened,
    configurationValue: config?.configurationValue ?? null,
    interfaces: (config?.interfaces ?? []).map((i) => ({ interfaceNumber: i.interfaceNumber, claimed: i.claimed, alternateSetting: i.alternate.alternateSetting })),
  };
}

export function faceInfo(handle: number, usb: UsbDeviceLike, device: LabDeviceInfo): FaceInfo {
  return {
    handle,
    deviceId: device.deviceId,
    scenario: device.scenario,
    vendorId: usb.vendorId,
    productId: usb.productId,
    serialNumber: usb.serialNumber ?? null,
    productName: usb.productName ?? null,
    manufacturerName: usb.manufacturerName ?? null,
    // Plain copies: descriptors are data; the claimed/alternate fields travel in `state`.
    configurations: JSON.parse(JSON.stringify(usb.configurations)) as UsbConfigurationLike[],
    state: faceState(usb),
  };
}

export function toBase64(data: BufferSource | DataView | undefined): string {
  if (!data) return '';
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('base64');
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bytes = Buffer.from(text, 'base64');
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}
