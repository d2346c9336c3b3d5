import type { UsbDeviceLike, UsbInResult } from '../usb/webusb';

/** The DFU functional descriptor (type 0x21, dfu-dfuse.md §2.2). */
export interface DfuFunctional {
  attributes: number;
  detachTimeoutMs: number;
  transferSize: number;
  dfuVersion: number;
}

export interface DfuAltDescriptor {
  interfaceNumber: number;
  alternateSetting: number;
  iInterface: number;
}

export interface DfuConfig {
  alts: DfuAltDescriptor[];
  functional: DfuFunctional | null;
}

const DESCRIPTOR = { CONFIGURATION: 2, STRING: 3, INTERFACE: 4, DFU_FUNCTIONAL: 0x21 } as const;
const GET_DESCRIPTOR = 6;
const LANG_EN_US = 0x0409;

/** Without a functional descriptor particle-usb assumes 1024-byte blocks. */
export const DEFAULT_TRANSFER_SIZE = 1024;

function getDescriptor(usb: UsbDeviceLike, type: number, index: number, length: number, langId = 0): Promise<UsbInResult> {
  return usb.controlTransferIn(
    { requestType: 'standard', recipient: 'device', request: GET_DESCRIPTOR, value: (type << 8) | index, index: langId },
    length,
  );
}

function bytesOf(result: UsbInResult): Uint8Array | null {
  if (result.status !== 'ok' || !result.data) return null;
  return new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength);
}

/** Reads the whole configuration descriptor: first 4 bytes for wTotalLength, then all of it. */
export async function readConfigDescriptor(usb: UsbDeviceLike): Promise<Uint8Array | null> {
  const head = bytesOf(await getDescriptor(usb, DESCRIPTOR.CONFIGURATION, 0, 4));
  if (!head || head.length < 4) return null;
  const total = head[2] | (head[3] << 8);
  return bytesOf(await getDescriptor(usb, DESCRIPTOR.CONFIGURATION, 0, total));
}

/**
 * Walks the descriptor list. The functional descriptor may follow any alt of the DFU interface (the
 * Photon puts it once, after the last alt), so it is taken from wherever it appears.
 */
export function parseConfigDescriptor(bytes: Uint8Array): DfuConfig {
  const alts: DfuAltDescriptor[] = [];
  let functional: DfuFunctional | null = null;
  let inDfuInterface = false;
  for (let offset = 0; offset + 2 <= bytes.length; ) {
    const length = bytes[offset];
    const type = bytes[offset + 1];
    if (length < 2 || offset + length > bytes.length) break;
    if (type === DESCRIPTOR.INTERFACE && length >= 9) {
      const cls = bytes[offset + 5];
      const subclass = bytes[offset + 6];
      inDfuInterface = cls === 0xfe && subclass === 0x01;
      if (inDfuInterface) alts.push({ interfaceNumber: bytes[offset + 2], alternateSetting: bytes[offset + 3], iInterface: bytes[offset + 8] });
    } else if (type === DESCRIPTOR.DFU_FUNCTIONAL && length >= 7 && inDfuInterface) {
      functional = {
        attributes: bytes[offset + 2],
        detachTimeoutMs: bytes[offset + 3] | (bytes[offset + 4] << 8),
        transferSize: bytes[offset + 5] | (bytes[offset + 6] << 8),
        dfuVersion: length >= 9 ? bytes[offset + 7] | (bytes[offset + 8] << 8) : 0x0100,
      };
    }
    offset += length;
  }
  return { alts, functional };
}

/** A string descriptor as text (UTF-16LE after the 2-byte header); null when the device has none. */
export async function readStringDescriptor(usb: UsbDeviceLike, index: number): Promise<string | null> {
  if (index === 0) return null;
  const bytes = bytesOf(await getDescriptor(usb, DESCRIPTOR.STRING, index, 255, LANG_EN_US));
  if (!bytes || bytes.length < 2 || bytes[1] !== DESCRIPTOR.STRING) return null;
  const end = Math.min(bytes[0], bytes.length);
  let text = '';
  for (let i = 2; i + 1 < end; i += 2) text += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8));
  return text;
}
