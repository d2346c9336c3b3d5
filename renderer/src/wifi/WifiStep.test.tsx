import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setApiForTests } from '../api';
import { createFakeApi, DEVICE_ID } from '../testing/fake-api';
import { WifiStep } from './WifiStep';

const scanOf = (supported: boolean) => () => ({
  deviceId: DEVICE_ID,
  supported,
  networks: supported ? [{ ssid: 'Home', security: 'wpa' as const, channel: 6, rssi: -50 }] : [],
  reason: supported ? null : 'The Photon and P1 cannot list networks over USB: type the network name (2.4 GHz only).',
});

describe('Wi-Fi step', () => {
  it('offers the scanned networks, takes the scanned security, sends the credentials and clears the password', async () => {
    const api = createFakeApi({
      'wifi.scan': scanOf(true),
      'wifi.setCredentials': ({ credentials }) => ({
        deviceId: DEVICE_ID, ssid: credentials.ssid, security: credentials.security ?? 'wpa2', method: 'control-requests', stored: true, connected: true, message: 'The device joined "Home" and is connected to the cloud.',
      }),
    });
    setApiForTests(api);
    render(<WifiStep deviceId={DEVICE_ID} />);
    await waitFor(() => expect(screen.getAllByTestId('wifi-network').map((o) => o.getAttribute('value'))).toEqual(['Home']));
    expect(screen.getByText(/2\.4 GHz/)).toBeTruthy();
    fireEvent.change(screen.getByTestId('wifi-ssid'), { target: { value: 'Home' } });
    expect((screen.getByTestId('wifi-security') as HTMLSelectElement).value).toBe('wpa');
    fireEvent.change(screen.getByTestId('wifi-password'), { target: { value: 'secret-pass' } });
    fireEvent.click(screen.getByTestId('wifi-send'));
    await screen.findByTestId('wifi-result');
    expect(api.callsOf('wifi.setCredentials')).toEqual([{ deviceId: DEVICE_ID, credentials: { ssid: 'Home', security: 'wpa', password: 'secret-pass' } }]);
    expect(screen.getByTestId('wifi-result').getAttribute('data-connected')).toBe('true');
    expect((screen.getByTestId('wifi-password') as HTMLInputElement).value).toBe('');
  });

  it('says when the device cannot scan, and shows a refusal with what to do', async () => {
    const api = createFakeApi({
      'wifi.scan': scanOf(false),
      'wifi.setCredentials': () => {
        throw { code: 'WRONG_MODE', message: 'The device is not in listening mode.', fix: 'Hold SETUP for 3 seconds until the LED blinks dark blue.' };
      },
    });
    setApiForTests(api);
    render(<WifiStep deviceId={DEVICE_ID} />);
    await screen.findByTestId('wifi-scan-note');
    fireEvent.change(screen.getByTestId('wifi-ssid'), { target: { value: 'Cafe' } });
    fireEvent.change(screen.getByTestId('wifi-password'), { target: { value: 'cafe-password' } });
    fireEvent.click(screen.getByTestId('wifi-send'));
    const error = await screen.findByTestId('wifi-error');
    expect(error.getAttribute('data-code')).toBe('WRONG_MODE');
    expect(error.textContent).toContain('blinks dark blue');
  });
});
