import { z } from 'zod';
import { command, query } from './define';
import { DeviceIdSchema } from '../domain';

/** Security types the app can enter on every Wi-Fi platform (Gen 2 console `w`, wifi_new.proto 0–3). */
export const WIFI_SECURITY = ['open', 'wep', 'wpa', 'wpa2'] as const;
export const WifiSecuritySchema = z.enum(WIFI_SECURITY);
export type WifiSecurity = z.infer<typeof WifiSecuritySchema>;

/**
 * SSID: 1–32 bytes (802.11). Password: at most 64 characters (a WPA passphrase is 8–63 characters or
 * 64 hex digits; Device OS reads at most 64); WPA/WPA2 need at least 8, WEP at least 5.
 */
export const WIFI_LIMITS = { ssidMaxBytes: 32, passwordMax: 64, passwordMin: { open: 0, wep: 5, wpa: 8, wpa2: 8 } } as const;

/** Platforms with Wi-Fi: Photon, P1 (Gen 2 listening console), Argon, Photon 2 / P2 (requests 500–507). */
export const WIFI_PLATFORM_IDS: readonly number[] = [6, 8, 12, 32];

export const WifiCredentialsSchema = z.object({
  ssid: z.string().min(1).refine((s) => new TextEncoder().encode(s).length <= WIFI_LIMITS.ssidMaxBytes, 'at most 32 bytes'),
  security: WifiSecuritySchema.default('wpa2'),
  password: z.string().max(WIFI_LIMITS.passwordMax).default(''),
});
export type WifiCredentials = z.input<typeof WifiCredentialsSchema>;

export const WifiNetworkSchema = z.object({
  ssid: z.string(),
  security: WifiSecuritySchema.nullable(),
  channel: z.number().int().nullable(),
  rssi: z.number().int().nullable(),
});
export type WifiNetwork = z.infer<typeof WifiNetworkSchema>;

export const WifiScanResultSchema = z.object({
  deviceId: DeviceIdSchema,
  /** False when the platform has no scan over USB (Gen 2 console); `reason` says why. */
  supported: z.boolean(),
  networks: z.array(WifiNetworkSchema),
  reason: z.string().nullable(),
});
export type WifiScanResult = z.infer<typeof WifiScanResultSchema>;

export const WifiStoredResultSchema = z.object({
  deviceId: DeviceIdSchema,
  supported: z.boolean(),
  networks: z.array(z.object({ ssid: z.string(), security: WifiSecuritySchema.nullable() })),
  reason: z.string().nullable(),
});
export type WifiStoredResult = z.infer<typeof WifiStoredResultSchema>;

/** What happened, measured: the password is never part of it. */
export const WifiSetResultSchema = z.object({
  deviceId: DeviceIdSchema,
  ssid: z.string(),
  security: WifiSecuritySchema,
  method: z.enum(['listening-console', 'control-requests']),
  stored: z.boolean(),
  /** The device reported a cloud connection (request 300) after the credentials were stored. */
  connected: z.boolean(),
  message: z.string(),
});
export type WifiSetResult = z.infer<typeof WifiSetResultSchema>;

export const wifiMethods = {
  'wifi.scan': query(z.object({ deviceId: DeviceIdSchema }), WifiScanResultSchema, 'Networks the device can see (Argon, P2: request 506).'),
  'wifi.listStored': query(z.object({ deviceId: DeviceIdSchema }), WifiStoredResultSchema, 'Networks stored on the device (Argon, P2: request 502).'),
  'wifi.setCredentials': command(
    z.object({ deviceId: DeviceIdSchema, credentials: WifiCredentialsSchema }),
    WifiSetResultSchema,
    'Store Wi-Fi credentials over USB (Gen 2: listening-mode console `w`; Argon/P2: requests 507 + 71) and watch the device connect.',
  ),
} as const;
