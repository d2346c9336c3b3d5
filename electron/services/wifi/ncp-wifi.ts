import { WIFI_SECURITY, type WifiNetwork, type WifiSecurity } from '../../../shared/contract/wifi';
import type { ControlClient } from '../control/control-client';
import { decodeReply, encodeRequest } from '../control/messages';
import type { CheckedCredentials } from './wifi-input';

/** wifi_new.proto request numbers (usb-control-protocol.md §7: 500–507, NCP Wi-Fi platforms). */
export const WIFI_REQUEST = { JOIN_NEW: 500, JOIN_KNOWN: 501, KNOWN: 502, REMOVE: 503, CLEAR: 504, CURRENT: 505, SCAN: 506, SET_CREDENTIALS: 507 } as const;

/** wifi_new.proto Security: 0 none, 1 WEP, 2 WPA PSK, 3 WPA2 PSK, 4 WPA/WPA2, 5 WPA3, 6 WPA2/WPA3. */
function securityName(code: unknown): WifiSecurity | null {
  const n = Number(code ?? 0);
  if (n === 4 || n === 6) return 'wpa2';
  return WIFI_SECURITY[n] ?? null;
}

type Client = Pick<ControlClient, 'request'>;

/** Stores the network without joining it yet (507); the password goes only into the request payload. */
export async function storeNetwork(control: Client, creds: CheckedCredentials): Promise<void> {
  const payload = encodeRequest('wifi.SetNetworkCredentialsRequest', {
    ssid: creds.ssid,
    security: WIFI_SECURITY.indexOf(creds.security),
    credentials: creds.security === 'open' ? { type: 0 } : { type: 1, password: creds.password },
  });
  await control.request(WIFI_REQUEST.SET_CREDENTIALS, 'set Wi-Fi credentials', payload, { timeoutMs: 10_000 });
}

export async function scanNetworks(control: Client): Promise<WifiNetwork[]> {
  const reply = await control.request(WIFI_REQUEST.SCAN, 'scan Wi-Fi networks', encodeRequest('wifi.ScanNetworksRequest'), { timeoutMs: 30_000 });
  const networks = (decodeReply('wifi.ScanNetworksReply', reply.data).networks ?? []) as Record<string, unknown>[];
  const best = new Map<string, WifiNetwork>();
  for (const n of networks) {
    const ssid = String(n.ssid ?? '');
    if (!ssid) continue;
    const entry: WifiNetwork = { ssid, security: securityName(n.security), channel: Number(n.channel ?? 0) || null, rssi: Number(n.rssi ?? 0) || null };
    const seen = best.get(ssid);
    if (!seen || (entry.rssi ?? -200) > (seen.rssi ?? -200)) best.set(ssid, entry);
  }
  return [...best.values()].sort((a, b) => (b.rssi ?? -200) - (a.rssi ?? -200));
}

export async function knownNetworks(control: Client): Promise<{ ssid: string; security: WifiSecurity | null }[]> {
  const reply = await control.request(WIFI_REQUEST.KNOWN, 'list stored Wi-Fi networks', encodeRequest('wifi.GetKnownNetworksRequest'));
  const networks = (decodeReply('wifi.GetKnownNetworksReply', reply.data).networks ?? []) as Record<string, unknown>[];
  return networks.map((n) => ({ ssid: String(n.ssid ?? ''), security: securityName(n.security) }));
}
