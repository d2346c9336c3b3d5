import { LAB_DCT_SIZE as DCT_SIZE, LAB_DCT_WINDOW as DCT_WINDOW_SIZE } from './dct-table';
import type { NorFlash } from '../flash/nor-flash';
import { type StoredWifiProfile, decodeWicedWifiBlock, encodeWicedWifiBlock, WICED_WIFI_BLOCK_SIZE } from './wifi-profile';

/**
 * Where the application DCT physically lives (dct-and-keys.md §10.1). The firmware reads and writes
 * through this; DFU alt 1 goes through it as well (subject to the bootloader's rules).
 */
export interface DctStore {
  /** Bytes of the 16 KB DFU window at `offset` (beyond the DCT: whatever the storage holds there). */
  read(offset: number, length: number): Uint8Array;
  /** Rewrites the DCT with `data` at `offset`; false when the storage could not be written. */
  write(offset: number, data: Uint8Array): boolean;
  wifiCredentials(): boolean;
  setWifiCredentials(ssid: string | null): void;
  /** Stored Wi-Fi networks (what the listening console's `w` and requests 500/507 leave behind). */
  wifiProfiles(): StoredWifiProfile[];
  storeWifiProfile(profile: StoredWifiProfile): boolean;
  clearWifiProfiles(): boolean;
}

const WICED_APP_OFFSET = 7548;
const WICED_WIFI_OFFSET = 6704;
const WICED_CURRENT_FLAG = 9;
const WICED_HEADER = [0x00, 0x01, 0x01, 0x00, 0x42, 0x52, 0x43, 0x4d];

/**
 * Photon/P1: Broadcom WICED DCT in two 16 KB internal-flash sectors, one current. A write copies the
 * current sector into the other one with the change applied, then clears the old sector's "current"
 * byte (1 → 0 is a legal NOR program), so a DFU alt-0 dump shows exactly what a real one would.
 * The Wi-Fi block is modelled as: first stored AP = SSID length byte + SSID (simplified).
 */
export class WicedDctStore implements DctStore {
  constructor(
    private readonly flash: NorFlash,
    private readonly sectors: [number, number],
  ) {}

  format(appDct: Uint8Array, ssid: string | null): void {
    const sector = new Uint8Array(0x4000).fill(0xff);
    sector.set(WICED_HEADER, 8);
    sector.set(appDct, WICED_APP_OFFSET);
    this.flash.eraseSector(this.sectors[1]);
    this.flash.eraseAndProgram(this.sectors[0], sector);
    this.setWifiCredentials(ssid);
  }

  private current(): number {
    const [a, b] = this.sectors;
    return this.flash.read(a + WICED_CURRENT_FLAG, 1)[0] === 0x01 ? a : b;
  }

  read(offset: number, length: number): Uint8Array {
    // Past 8391 the window runs on into whatever follows in flash (the next sector on a real Photon).
    return this.flash.read(this.current() + WICED_APP_OFFSET + offset, length);
  }

  write(offset: number, data: Uint8Array): boolean {
    if (offset + data.length > DCT_SIZE) return false;
    return this.rewrite((sector) => sector.set(data, WICED_APP_OFFSET + offset));
  }

  wifiCredentials(): boolean {
    const length = this.flash.read(this.current() + WICED_WIFI_OFFSET, 1)[0];
    return length > 0 && length <= 32;
  }

  setWifiCredentials(ssid: string | null): void {
    const entry = new Uint8Array(33).fill(0xff);
    if (ssid) {
      const text = new TextEncoder().encode(ssid).subarray(0, 32);
      entry[0] = text.length;
      entry.set(text, 1);
    } else entry[0] = 0;
    this.rewrite((sector) => sector.set(entry, WICED_WIFI_OFFSET));
  }

  wifiProfiles(): StoredWifiProfile[] {
    const profile = decodeWicedWifiBlock(this.flash.read(this.current() + WICED_WIFI_OFFSET, WICED_WIFI_BLOCK_SIZE));
    return profile ? [profile] : [];
  }

  /** One stored access point is modelled (the first of the WICED block's five). */
  storeWifiProfile(profile: StoredWifiProfile): boolean {
    return this.rewrite((sector) => sector.set(encodeWicedWifiBlock(profile), WICED_WIFI_OFFSET));
  }

  clearWifiProfiles(): boolean {
    return this.rewrite((sector) => sector.set(encodeWicedWifiBlock(null), WICED_WIFI_OFFSET));
  }

  private rewrite(change: (sector: Uint8Array) => void): boolean {
    const from = this.current();
    const to = from === this.sectors[0] ? this.sectors[1] : this.sectors[0];
    const sector = this.flash.read(from, 0x4000);
    change(sector);
    sector[WICED_CURRENT_FLAG] = 0x01;
    if (this.flash.eraseAndProgram(to, sector) !== 'ok') return false;
    return this.flash.program(from + WICED_CURRENT_FLAG, new Uint8Array([0x00])) === 'ok';
  }
}

const WATERMARK = [0x9a, 0x27, 0x1c, 0x1e];
const SEAL_VALID = [0x00, 0x5e, 0xa1, 0xed];
const SEAL_INVALIDATED = [0x00, 0x0c, 0xa0, 0x69];

/**
 * Electron: two sectors, each an 8-byte header (watermark, seal) + `application_dct_t`. Invalidating
 * the old seal (0xEDA15E00 → 0x69A00C00) only clears bits, as on the real device. No Wi-Fi.
 */
export class SealedDctStore implements DctStore {
  constructor(
    private readonly flash: NorFlash,
    private readonly sectors: [number, number],
  ) {}

  format(appDct: Uint8Array): void {
    const sector = new Uint8Array(8 + appDct.length);
    sector.set(WATERMARK, 0);
    sector.set(SEAL_VALID, 4);
    sector.set(appDct, 8);
    this.flash.eraseSector(this.sectors[1]);
    this.flash.eraseAndProgram(this.sectors[0], sector);
  }

  private current(): number {
    const seal = this.flash.read(this.sectors[0] + 4, 4);
    return seal.every((b, i) => b === SEAL_VALID[i]) ? this.sectors[0] : this.sectors[1];
  }

  read(offset: number, length: number): Uint8Array {
    return this.flash.read(this.current() + 8 + offset, length);
  }

  write(offset: number, data: Uint8Array): boolean {
    if (offset + data.length > DCT_SIZE) return false;
    const from = this.current();
    const to = from === this.sectors[0] ? this.sectors[1] : this.sectors[0];
    const sector = this.flash.read(from, 8 + DCT_SIZE);
    sector.set(data, 8 + offset);
    if (this.flash.eraseAndProgram(to, sector) !== 'ok') return false;
    return this.flash.program(from + 4, Uint8Array.from(SEAL_INVALIDATED)) === 'ok';
  }

  wifiCredentials(): boolean {
    return false;
  }

  setWifiCredentials(): void {}

  wifiProfiles(): StoredWifiProfile[] {
    return [];
  }

  storeWifiProfile(): boolean {
    return false;
  }

  clearWifiProfiles(): boolean {
    return false;
  }
}

/** What a lab service saves of a Gen 3/4 DCT file and its Wi-Fi file. */
export interface FileDctSnapshot {
  window: Uint8Array;
  profiles: StoredWifiProfile[];
}

/** Gen 3/4: `/sys/dct.bin` in the filesystem; Wi-Fi credentials in their own file (Argon, P2). */
export class FileDctStore implements DctStore {
  private readonly window = new Uint8Array(DCT_WINDOW_SIZE).fill(0xff);
  private profiles: StoredWifiProfile[] = [];

  format(appDct: Uint8Array, ssid: string | null): void {
    this.window.fill(0xff);
    this.window.set(appDct, 0);
    this.setWifiCredentials(ssid);
  }

  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length).fill(0xff);
    if (offset < DCT_WINDOW_SIZE) out.set(this.window.subarray(offset, Math.min(DCT_WINDOW_SIZE, offset + length)));
    return out;
  }

  write(offset: number, data: Uint8Array): boolean {
    if (offset + data.length > DCT_WINDOW_SIZE) return false;
    this.window.set(data, offset);
    return true;
  }

  wifiCredentials(): boolean {
    return this.profiles.length > 0;
  }

  setWifiCredentials(ssid: string | null): void {
    this.profiles = ssid ? [{ ssid, security: null, password: null }] : [];
  }

  wifiProfiles(): StoredWifiProfile[] {
    return this.profiles.map((p) => ({ ...p }));
  }

  /** `/sys/wifi_config.bin`: newest first, one entry per SSID (the lab keeps at most 10). */
  storeWifiProfile(profile: StoredWifiProfile): boolean {
    this.profiles = [{ ...profile }, ...this.profiles.filter((p) => p.ssid !== profile.ssid)].slice(0, MAX_NCP_PROFILES);
    return true;
  }

  removeWifiProfile(ssid: string): boolean {
    const before = this.profiles.length;
    this.profiles = this.profiles.filter((p) => p.ssid !== ssid);
    return this.profiles.length < before;
  }

  clearWifiProfiles(): boolean {
    this.profiles = [];
    return true;
  }

  /** The file's bytes and the Wi-Fi file (Gen 3/4 DCT lives outside the flash chip model). */
  snapshot(): FileDctSnapshot {
    return { window: this.window.slice(), profiles: this.wifiProfiles() };
  }

  restore(state: FileDctSnapshot): void {
    if (state.window.length !== DCT_WINDOW_SIZE) throw new Error('DCT snapshot has the wrong size');
    this.window.set(state.window);
    this.profiles = state.profiles.map((p) => ({ ...p }));
  }
}

const MAX_NCP_PROFILES = 10;
