import { describe, expect, it } from 'vitest';
import { wifiMethods } from './wifi';

const input = wifiMethods['wifi.setCredentials'].input;
const DEVICE = '0123456789abcdef01234567';

describe('wifi.setCredentials input schema', () => {
  it('accepts 1–32 byte SSIDs and passwords up to 64 characters; security defaults to WPA2', () => {
    expect(input.parse({ deviceId: DEVICE, credentials: { ssid: 'Home', password: 'p'.repeat(64) } }).credentials).toEqual({ ssid: 'Home', security: 'wpa2', password: 'p'.repeat(64) });
    expect(input.safeParse({ deviceId: DEVICE, credentials: { ssid: 'S'.repeat(32), security: 'open' } }).success).toBe(true);
  });

  it('refuses an empty SSID, a 33-byte SSID, a 65-character password and unknown security types', () => {
    const bad = [
      { ssid: '' },
      { ssid: 'é'.repeat(17) },
      { ssid: 'Home', password: 'p'.repeat(65) },
      { ssid: 'Home', security: 'wpa3' },
    ];
    for (const credentials of bad) expect(input.safeParse({ deviceId: DEVICE, credentials }).success).toBe(false);
  });
});
