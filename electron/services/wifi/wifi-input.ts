import { WIFI_LIMITS, WIFI_PLATFORM_IDS, WIFI_SECURITY, type WifiSecurity } from '../../../shared/contract/wifi';
import { platformById } from '../../../shared/domain/platforms';
import { RescueError } from '../../../shared/errors';

export interface CheckedCredentials {
  ssid: string;
  security: WifiSecurity;
  password: string;
}

const bad = (message: string, fix: string) => new RescueError('INVALID_INPUT', message, fix);

/**
 * Everything that can be refused before the device is touched: nothing is written when this throws.
 * Messages never repeat the password itself, only its length.
 */
export function checkCredentials(input: { ssid?: unknown; security?: unknown; password?: unknown }): CheckedCredentials {
  const { ssid, security } = checkNetwork(input);
  const password = security === 'open' ? '' : typeof input.password === 'string' ? input.password : '';
  if (password.length > WIFI_LIMITS.passwordMax) {
    throw bad(`The password is ${password.length} characters long; the device accepts at most ${WIFI_LIMITS.passwordMax}.`, 'Check the password (a WPA password is 8–63 characters, or 64 hex digits).');
  }
  const min = WIFI_LIMITS.passwordMin[security];
  if (password.length < min) {
    throw bad(`A ${security.toUpperCase()} password has at least ${min} characters; this one has ${password.length}.`, 'Check the password, or pick the security type the network really uses.');
  }
  return { ssid, security, password };
}

/** SSID and security alone (the CLI checks them before asking for a password). */
export function checkNetwork(input: { ssid?: unknown; security?: unknown }): { ssid: string; security: WifiSecurity } {
  const ssid = typeof input.ssid === 'string' ? input.ssid : '';
  if (ssid.trim() === '') throw bad('The network name (SSID) is empty.', 'Enter the name of the 2.4 GHz Wi-Fi network exactly as it appears on your phone or router.');
  if (new TextEncoder().encode(ssid).length > WIFI_LIMITS.ssidMaxBytes) {
    throw bad(`The network name is longer than ${WIFI_LIMITS.ssidMaxBytes} bytes, which no Wi-Fi network can have.`, 'Check the network name for extra characters.');
  }
  const security = input.security === undefined ? 'wpa2' : input.security;
  if (typeof security !== 'string' || !(WIFI_SECURITY as readonly string[]).includes(security)) {
    throw bad(
      `Security type "${String(security)}" is not supported over USB.`,
      `Use one of ${WIFI_SECURITY.join(', ')}. WPA3-only and enterprise networks cannot be entered this way: switch the router to WPA2 (or WPA2/WPA3 mixed) for this device.`,
    );
  }
  return { ssid, security: security as WifiSecurity };
}

/** Wi-Fi platforms only: Photon/P1 (Gen 2 console) or Argon/P2 (requests 500–507). */
export function wifiRoute(platformId: number): 'listening-console' | 'control-requests' {
  const platform = platformById(platformId);
  if (!platform || !WIFI_PLATFORM_IDS.includes(platformId)) {
    throw new RescueError(
      'WRONG_PLATFORM',
      `${platform?.displayName ?? `Platform ${platformId}`} has no Wi-Fi.`,
      'Cellular devices connect through their SIM: check the SIM and antenna instead.',
    );
  }
  return platform.generation === 2 ? 'listening-console' : 'control-requests';
}
