import { useEffect, useState } from 'react';
import { WIFI_LIMITS, WIFI_SECURITY, type WifiNetwork, type WifiSecurity, type WifiSetResult } from '../../../shared/contract/wifi';
import { getApi } from '../api';
import { useGuarded } from '../app/use-guarded';
import { ErrorNotice } from '../components/ErrorNotice';

const SECURITY_LABEL: Record<WifiSecurity, string> = { wpa2: 'WPA2', wpa: 'WPA', wep: 'WEP', open: 'Open (no password)' };

/**
 * The wizard's "Wi-Fi network" step: SSID (from the device's scan where it can), security, password.
 * The password lives only in this field until it is sent, and is cleared right after.
 */
export function WifiStep({ deviceId, onDone }: { deviceId: string; onDone?: (result: WifiSetResult) => void }) {
  const [networks, setNetworks] = useState<WifiNetwork[]>([]);
  const [scanNote, setScanNote] = useState<string | null>(null);
  const [ssid, setSsid] = useState('');
  const [security, setSecurity] = useState<WifiSecurity>('wpa2');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<WifiSetResult | null>(null);
  const { problem, guard } = useGuarded();

  useEffect(() => {
    let live = true;
    getApi()
      .call('wifi.scan', { deviceId })
      .then((scan) => {
        if (!live) return;
        setNetworks(scan.networks);
        setScanNote(scan.supported ? null : scan.reason);
      })
      .catch(() => live && setScanNote('The device could not scan; type the network name.'));
    return () => {
      live = false;
    };
  }, [deviceId]);

  const pick = (name: string) => {
    setSsid(name);
    const known = networks.find((n) => n.ssid === name);
    if (known?.security) setSecurity(known.security);
  };

  const submit = () =>
    guard(async () => {
      setBusy(true);
      setResult(null);
      try {
        const sent = await getApi().call('wifi.setCredentials', { deviceId, credentials: { ssid, security, password: security === 'open' ? '' : password } });
        setResult(sent);
        onDone?.(sent);
      } finally {
        setPassword('');
        setBusy(false);
      }
    });

  return (
    <section className="wifi-step" data-testid="wifi-step">
      <h3>Wi-Fi network</h3>
      <p className="hint">Particle Wi-Fi devices join 2.4 GHz networks only; a 5 GHz-only network will not work.</p>
      {scanNote && <p className="hint" data-testid="wifi-scan-note">{scanNote}</p>}
      <label>
        Network name (SSID)
        <input data-testid="wifi-ssid" list="wifi-networks" value={ssid} maxLength={WIFI_LIMITS.ssidMaxBytes} onChange={(e) => pick(e.target.value)} />
      </label>
      <datalist id="wifi-networks">
        {networks.map((n) => (
          <option key={n.ssid} value={n.ssid} data-testid="wifi-network">
            {n.rssi !== null ? `${n.rssi} dBm` : ''}
          </option>
        ))}
      </datalist>
      <label>
        Security
        <select data-testid="wifi-security" value={security} onChange={(e) => setSecurity(e.target.value as WifiSecurity)}>
          {WIFI_SECURITY.map((s) => (
            <option key={s} value={s}>
              {SECURITY_LABEL[s]}
            </option>
          ))}
        </select>
      </label>
      {security !== 'open' && (
        <label>
          Password
          <input data-testid="wifi-password" type="password" autoComplete="off" value={password} maxLength={WIFI_LIMITS.passwordMax} onChange={(e) => setPassword(e.target.value)} />
        </label>
      )}
      <button type="button" data-testid="wifi-send" disabled={busy || ssid.trim() === ''} onClick={() => void submit()}>
        {busy ? 'Sending over USB…' : 'Send to the device'}
      </button>
      {problem && <ErrorNotice problem={problem} testId="wifi-error" />}
      {result && (
        <p className={result.connected ? 'notice notice-ok' : 'notice notice-warn'} data-testid="wifi-result" data-connected={String(result.connected)}>
          {result.message}
        </p>
      )}
    </section>
  );
}
