import { platformsById } from '@particle/device-constants';

/** Cloud transport decides the key algorithm: TCP → RSA-1024, UDP → EC P-256. */
export type CloudProtocol = 'tcp' | 'udp';

export interface PlatformInfo {
  readonly id: number;
  readonly name: string;
  readonly displayName: string;
  readonly generation: number;
  readonly protocol: CloudProtocol;
  readonly usbProductId: number;
  readonly dfuProductId: number;
  /** P2-class devices need a 1-byte data stage on OUT control requests without payload. */
  readonly outNeedsDataStage: boolean;
  readonly buttons: { readonly mode: string; readonly reset: string };
  readonly userPartMaxSize: number | null;
}

export const PARTICLE_VENDOR_ID = 0x2b04;
/** Spark Core (Gen 1) uses the OpenMoko ids; listed so we can say it is not supported rather than ignore it. */
export const CORE_VENDOR_ID = 0x1d50;
export const CORE_PRODUCT_IDS = { normal: 0x607d, dfu: 0x607f } as const;

/** The platforms this app rescues (the list plus B5-SoM, which shares the B-SoM procedure). */
export const SUPPORTED_PLATFORM_IDS = [6, 8, 10, 12, 13, 23, 25, 26, 32] as const;

interface RawPlatform {
  id: number;
  name: string;
  displayName: string;
  generation: number;
  features: string[];
  usb: { productId: string; quirks?: Record<string, boolean> };
  dfu: { productId: string };
  firmwareModules: { type: string; maxSize?: number }[];
}

function toInfo(raw: RawPlatform): PlatformInfo {
  const userPart = raw.firmwareModules.find((m) => m.type === 'userPart');
  const mode = raw.id === 6 || raw.id === 8 ? 'SETUP' : 'MODE';
  return {
    id: raw.id,
    name: raw.name,
    displayName: raw.displayName,
    generation: raw.generation,
    protocol: raw.features.includes('tcp') ? 'tcp' : 'udp',
    usbProductId: Number(raw.usb.productId),
    dfuProductId: Number(raw.dfu.productId),
    outNeedsDataStage: raw.usb.quirks?.controlOutTransfersRequireDataStage === true,
    buttons: { mode, reset: 'RESET' },
    userPartMaxSize: userPart?.maxSize ?? null,
  };
}

const byId = new Map<number, PlatformInfo>(
  SUPPORTED_PLATFORM_IDS.map((id) => [id, toInfo((platformsById as Record<number, RawPlatform>)[id])]),
);

export function platformById(id: number): PlatformInfo | undefined {
  return byId.get(id);
}

export function supportedPlatforms(): PlatformInfo[] {
  return [...byId.values()];
}

export type UsbMode = 'normal' | 'dfu';

/** Product id 0xC0nn = normal (CDC) mode, 0xD0nn = DFU mode, nn = platform id. */
export function identifyUsbIds(vendorId: number, productId: number): { platformId: number; usbMode: UsbMode } | null {
  if (vendorId !== PARTICLE_VENDOR_ID) return null;
  const high = productId & 0xff00;
  const platformId = productId & 0xff;
  if (high === 0xc000) return { platformId, usbMode: 'normal' };
  if (high === 0xd000) return { platformId, usbMode: 'dfu' };
  return null;
}

/** A 24-hex-digit device id, lower case; old firmware may pad the USB serial string with other text. */
export function deviceIdFromSerial(serial: string | undefined | null): string | null {
  if (!serial) return null;
  const match = /[0-9a-fA-F]{24}/.exec(serial);
  return match ? match[0].toLowerCase() : null;
}
