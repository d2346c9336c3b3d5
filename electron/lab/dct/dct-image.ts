import { LAB_ADDRESS_RECORD, LAB_DCT_FIELDS, LAB_DCT_SIZE, LAB_KEY_TABLE } from './dct-table';
import type { CloudProtocol } from '../../../shared/domain/platforms';

/** A server address as the firmware reads it from the record (dct-and-keys.md §2.2). */
export interface ServerAddress {
  host: string;
  port: number;
}

export interface DctContents {
  protocol: CloudProtocol;
  deviceId: string;
  /** DER private key (PKCS#1 RSA for TCP, SEC1 EC for UDP); null = blank slot (0xFF). */
  privateKey: Uint8Array | null;
  /** Server public key SPKI DER; null = blank slot (firmware falls back to its built-in key). */
  serverKey: Uint8Array | null;
  /** Server address record; null = blank (firmware uses its compiled-in default). */
  serverAddress: ServerAddress | null;
  claimed: boolean;
  /** Gen 3/4 setup-done flag (8134). */
  setupDone?: boolean;
}

/** A fresh `application_dct_t`: erased (0xFF) everywhere except what the scenario sets. */
export function buildApplicationDct(contents: DctContents): Uint8Array {
  const dct = new Uint8Array(LAB_DCT_SIZE).fill(0xff);
  const slots = LAB_KEY_TABLE[contents.protocol];
  if (contents.privateKey) dct.set(contents.privateKey, slots.privateKey.offset);
  if (contents.serverKey || contents.serverAddress) {
    dct.set(serverKeySlotImage(contents.protocol, contents.serverKey, contents.serverAddress), slots.serverKey.offset);
  }
  dct.set(hexToBytes(contents.deviceId), LAB_DCT_FIELDS.deviceId);
  if (contents.claimed) dct[LAB_DCT_FIELDS.claimed] = 0x31;
  if (contents.setupDone) dct[LAB_DCT_FIELDS.setupDone] = 0x01;
  return dct;
}

/** The server-key slot as `particle keys server` builds it: SPKI, 0xFF fill, address record, port. */
export function serverKeySlotImage(protocol: CloudProtocol, spki: Uint8Array | null, address: ServerAddress | null): Uint8Array {
  const slots = LAB_KEY_TABLE[protocol];
  const slot = new Uint8Array(slots.serverKey.length).fill(0xff);
  if (spki) slot.set(spki, 0);
  if (address) slot.set(encodeServerAddress(address), slots.addressOffsetInSlot);
  return slot;
}

export function encodeServerAddress(address: ServerAddress): Uint8Array {
  const record = new Uint8Array(LAB_ADDRESS_RECORD.size).fill(0xff);
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address.host);
  if (ipv4) {
    record[0] = LAB_ADDRESS_RECORD.ipv4;
    record[1] = 4;
    record.set(ipv4.slice(1).map(Number), 2);
  } else {
    const text = new TextEncoder().encode(address.host);
    record[0] = LAB_ADDRESS_RECORD.domain;
    record[1] = text.length;
    record.set(text, 2);
  }
  record[LAB_ADDRESS_RECORD.port] = (address.port >> 8) & 0xff;
  record[LAB_ADDRESS_RECORD.port + 1] = address.port & 0xff;
  return record;
}

/** The address the firmware will use: record if valid, otherwise the compiled-in default (§1.3). */
export function resolveServerAddress(dct: Uint8Array, protocol: CloudProtocol, deviceId: string, majorVersion: number): ServerAddress {
  const slots = LAB_KEY_TABLE[protocol];
  const at = slots.serverKey.offset + slots.addressOffsetInSlot;
  const type = dct[at];
  const length = dct[at + 1];
  let host: string;
  if (type === LAB_ADDRESS_RECORD.ipv4 && length === 4) host = Array.from(dct.subarray(at + 2, at + 6)).join('.');
  else if (type === LAB_ADDRESS_RECORD.domain && length > 0 && length <= 64) host = new TextDecoder().decode(dct.subarray(at + 2, at + 2 + length));
  else host = slots.defaultHost;
  const rawPort = (dct[slots.serverKey.offset + slots.portOffsetInSlot] << 8) | dct[slots.serverKey.offset + slots.portOffsetInSlot + 1];
  const port = rawPort === 0 || rawPort === 0xffff ? slots.defaultPort : rawPort;
  return { host: host.replace('$id', `${deviceId}.v${majorVersion}`), port };
}

/** Length of a DER element from its header, or 0 when the bytes are not a DER SEQUENCE (blank, garbage). */
export function derLength(bytes: Uint8Array, offset = 0): number {
  if (bytes[offset] !== 0x30) return 0;
  const first = bytes[offset + 1];
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count < 1 || count > 2) return 0;
  let length = 0;
  for (let i = 0; i < count; i++) length = (length << 8) | bytes[offset + 2 + i];
  return 2 + count + length;
}

/** The DER element at the start of a key slot, or null when the slot is blank or not DER. */
export function readDerSlot(dct: Uint8Array, offset: number, slotLength: number): Uint8Array | null {
  const length = derLength(dct, offset);
  if (length === 0 || length > slotLength) return null;
  return dct.slice(offset, offset + length);
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
