import type { LabWifiSecurity, StoredWifiProfile } from '../dct/wifi-profile';

/**
 * The lab's radio neighbourhood: the 2.4 GHz access points a virtual Wi-Fi device can see and join.
 * A lab fact, not a product constant: the password below is what the virtual access point accepts.
 */
export interface LabAccessPoint {
  ssid: string;
  security: LabWifiSecurity;
  password: string;
  channel: number;
  rssi: number;
}

export const LAB_ACCESS_POINTS: readonly LabAccessPoint[] = [
  { ssid: 'RescueLab', security: 'wpa2', password: 'particle-rescue', channel: 6, rssi: -48 },
  { ssid: 'RescueLab-Guest', security: 'open', password: '', channel: 11, rssi: -67 },
];

export type JoinOutcome = 'joined' | 'no-profile' | 'not-found' | 'auth-failed';

/** What joining with the stored profiles gives: the first profile an access point accepts wins. */
export function joinWithProfiles(profiles: readonly StoredWifiProfile[]): { outcome: JoinOutcome; ssid: string | null } {
  if (profiles.length === 0) return { outcome: 'no-profile', ssid: null };
  let outcome: JoinOutcome = 'not-found';
  for (const profile of profiles) {
    const ap = LAB_ACCESS_POINTS.find((a) => a.ssid === profile.ssid);
    if (!ap) continue;
    if (profile.security === null && profile.password === null) return { outcome: 'joined', ssid: ap.ssid };
    const password = profile.password ?? '';
    if (profile.security === ap.security && (ap.security === 'open' || password === ap.password)) return { outcome: 'joined', ssid: ap.ssid };
    outcome = 'auth-failed';
  }
  return { outcome, ssid: null };
}
