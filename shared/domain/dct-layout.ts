import type { CloudProtocol } from './platforms';

/**
 * Offsets inside `application_dct_t`, which DFU alt 1 exposes byte for byte (same on Gen 2/3/4).
 * Source: ../shared/reference/dct-and-keys.md §1, §2, §9.
 */
export const DCT_SIZE = 8391;
export const DCT_WINDOW_SIZE = 0x4000;

export interface KeySlotLayout {
  readonly privateKey: { readonly offset: number; readonly length: number };
  readonly publicKey: { readonly offset: number; readonly length: number };
  readonly serverKey: { readonly offset: number; readonly length: number };
  /** Offset of the server address record inside the server-key slot. */
  readonly addressOffsetInSlot: number;
  /** Offset of the big-endian port inside the server-key slot. */
  readonly portOffsetInSlot: number;
  readonly defaultHost: string;
  readonly defaultPort: number;
}

export const KEY_SLOTS: Record<CloudProtocol, KeySlotLayout> = {
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

export const ADDRESS_RECORD_SIZE = 128;
export const ADDRESS_TYPE_IPV4 = 0;
export const ADDRESS_TYPE_DOMAIN = 1;
export const ADDRESS_MAX_LENGTH = 64;

export const DCT_OFFSETS = {
  systemFlags: 0,
  otaUpdateFlag: 1753,
  claimCode: 1762,
  claimed: 1825,
  cloudTransport: 2977,
  deviceId: 3618,
  setupDone: 8134,
} as const;

/** Genuine Particle Cloud server keys: SHA-256 of the DER SubjectPublicKeyInfo. */
export const GENUINE_SERVER_KEY_SHA256: Record<CloudProtocol, string> = {
  tcp: 'aa8aba3c973ed4b668999047a09597948f36eefde525352e705fe8ef98c1677e',
  udp: 'a22c78edbbefc04dec7333da227fc6f6904754d17d042099c765a02864555183',
};
