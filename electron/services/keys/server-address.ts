import {
  ADDRESS_MAX_LENGTH,
  ADDRESS_RECORD_SIZE,
  ADDRESS_TYPE_DOMAIN,
  ADDRESS_TYPE_IPV4,
  KEY_SLOTS,
} from '../../../shared/domain/dct-layout';
import type { CloudProtocol } from '../../../shared/domain/platforms';

export interface ServerAddress {
  kind: 'default' | 'ipv4' | 'domain';
  host: string;
  port: number;
}

/** Port 0 or 0xFFFF means "firmware default" (dct-and-keys.md §1.3). */
function portOf(slot: Uint8Array, protocol: CloudProtocol): number {
  const layout = KEY_SLOTS[protocol];
  const at = layout.portOffsetInSlot;
  const port = (slot[at] << 8) | slot[at + 1];
  return port === 0 || port === 0xffff ? layout.defaultPort : port;
}

/** Reads the address record of a server-key slot; anything invalid means the firmware default. */
export function readServerAddress(slot: Uint8Array, protocol: CloudProtocol): ServerAddress {
  const layout = KEY_SLOTS[protocol];
  const record = slot.subarray(layout.addressOffsetInSlot, layout.addressOffsetInSlot + ADDRESS_RECORD_SIZE);
  const port = portOf(slot, protocol);
  const [type, length] = record;
  if (type === ADDRESS_TYPE_IPV4 && length === 4) return { kind: 'ipv4', host: Array.from(record.subarray(2, 6)).join('.'), port };
  if (type === ADDRESS_TYPE_DOMAIN && length >= 1 && length <= ADDRESS_MAX_LENGTH) {
    const bytes = record.subarray(2, 2 + length);
    if (bytes.every((b) => b >= 0x21 && b <= 0x7e)) return { kind: 'domain', host: Buffer.from(bytes).toString('ascii'), port };
  }
  return { kind: 'default', host: layout.defaultHost, port: layout.defaultPort };
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Address record bytes (type, length, value), 0xFF padded to the record size. */
export function encodeAddressRecord(host: string): Uint8Array {
  const record = new Uint8Array(ADDRESS_RECORD_SIZE).fill(0xff);
  const ipv4 = IPV4.exec(host);
  if (ipv4 && ipv4.slice(1).every((part) => Number(part) <= 255)) {
    record.set([ADDRESS_TYPE_IPV4, 4, ...ipv4.slice(1).map(Number)], 0);
    return record;
  }
  const ascii = Buffer.from(host, 'ascii');
  if (ascii.length < 1 || ascii.length > ADDRESS_MAX_LENGTH || !/^[\x21-\x7e]+$/.test(host)) {
    throw new RangeError(`Server host "${host}" must be 1–${ADDRESS_MAX_LENGTH} printable ASCII characters.`);
  }
  record.set([ADDRESS_TYPE_DOMAIN, ascii.length], 0);
  record.set(ascii, 2);
  return record;
}

export function formatAddress(address: ServerAddress): string {
  return `${address.host}:${address.port}${address.kind === 'default' ? ' (firmware default)' : ''}`;
}
