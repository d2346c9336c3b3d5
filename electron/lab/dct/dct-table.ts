import type { CloudProtocol } from '../../../shared/domain/platforms';

/**
 * The lab's own `application_dct_t` table, copied by hand from ../shared/reference/dct-and-keys.md
 * (§1.1 key slots, §1.2 public-key fields, §2.1 server-key slot with address and port, §2.2 address
 * record, §9 other fields). The lab never imports the product's layout: if the app moves an offset,
 * the virtual device still reads and writes where a real one does, and the tests see the difference.
 */
export const LAB_DCT_SIZE = 8391;
/** DFU alt 1 window (16 KB); beyond the struct the storage answers with whatever it holds. */
export const LAB_DCT_WINDOW = 0x4000;

export interface LabSlot {
  readonly offset: number;
  readonly length: number;
}

export interface LabKeyTable {
  readonly privateKey: LabSlot;
  readonly publicKey: LabSlot;
  readonly serverKey: LabSlot;
  /** Server address record inside the server-key slot (absolute = serverKey.offset + this). */
  readonly addressOffsetInSlot: number;
  /** Big-endian port inside the server-key slot (= address record offset 66). */
  readonly portOffsetInSlot: number;
  /** Compiled-in fallbacks used by the firmware when the record or port is blank (§1.3, §2.3). */
  readonly defaultHost: string;
  readonly defaultPort: number;
}

export const LAB_KEY_TABLE: Readonly<Record<CloudProtocol, LabKeyTable>> = {
  tcp: {
    privateKey: { offset: 34, length: 612 },
    publicKey: { offset: 1250, length: 384 },
    serverKey: { offset: 2082, length: 512 },
    addressOffsetInSlot: 384,
    portOffsetInSlot: 450,
    defaultHost: 'device.spark.io',
    defaultPort: 5683,
  },
  udp: {
    privateKey: { offset: 3106, length: 192 },
    publicKey: { offset: 2978, length: 128 },
    serverKey: { offset: 3298, length: 320 },
    addressOffsetInSlot: 192,
    portOffsetInSlot: 258,
    defaultHost: '$id.udp.particle.io',
    defaultPort: 5684,
  },
};

/** `ServerAddress` record (§2.2). */
export const LAB_ADDRESS_RECORD = { size: 128, type: 0, length: 1, value: 2, maxValue: 64, port: 66, ipv4: 0, domain: 1 } as const;

/** Other single-byte fields the lab's firmware reads (§9). */
export const LAB_DCT_FIELDS = {
  claimed: 1825,
  cloudTransport: 2977,
  deviceId: 3618,
  deviceIdLength: 12,
  setupDone: 8134,
} as const;
