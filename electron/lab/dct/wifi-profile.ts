/**
 * A stored Wi-Fi network and its place in the Photon/P1 WICED DCT's Wi-Fi block (dct-and-keys.md §10.1:
 * 6704–7547 holds up to 5 access points with SSID, security, channel and passphrase). The lab models
 * the first access point as: SSID length u8 + SSID (32), security u8 (0 open, 1 WEP, 2 WPA, 3 WPA2;
 * 0xFF = not recorded), passphrase length u8 + passphrase (64).
 */
export type LabWifiSecurity = 'open' | 'wep' | 'wpa' | 'wpa2';

/** security/password null = put there by the scenario's image (valid for its access point). */
export interface StoredWifiProfile {
  ssid: string;
  security: LabWifiSecurity | null;
  password: string | null;
}

/** The order of the Gen 2 console prompt and of wifi_new.proto's Security enum (0–3). */
export const SECURITY_CODES: readonly LabWifiSecurity[] = ['open', 'wep', 'wpa', 'wpa2'];

const SSID_MAX = 32;
const PASSPHRASE_MAX = 64;
export const WICED_WIFI_BLOCK_SIZE = 1 + SSID_MAX + 1 + 1 + PASSPHRASE_MAX;

export function encodeWicedWifiBlock(profile: StoredWifiProfile | null): Uint8Array {
  const block = new Uint8Array(WICED_WIFI_BLOCK_SIZE).fill(0xff);
  if (!profile) {
    block[0] = 0;
    return block;
  }
  const ssid = new TextEncoder().encode(profile.ssid).subarray(0, SSID_MAX);
  block[0] = ssid.length;
  block.set(ssid, 1);
  if (profile.security !== null) block[1 + SSID_MAX] = SECURITY_CODES.indexOf(profile.security);
  if (profile.password !== null) {
    const pass = new TextEncoder().encode(profile.password).subarray(0, PASSPHRASE_MAX);
    block[2 + SSID_MAX] = pass.length;
    block.set(pass, 3 + SSID_MAX);
  }
  return block;
}

export function decodeWicedWifiBlock(block: Uint8Array): StoredWifiProfile | null {
  const length = block[0];
  if (length === 0 || length > SSID_MAX) return null;
  const text = (from: number, n: number) => new TextDecoder().decode(block.subarray(from, from + n));
  const code = block[1 + SSID_MAX];
  const passLength = block[2 + SSID_MAX];
  return {
    ssid: text(1, length),
    security: SECURITY_CODES[code] ?? null,
    password: passLength <= PASSPHRASE_MAX ? text(3 + SSID_MAX, passLength) : null,
  };
}
