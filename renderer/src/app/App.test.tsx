import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../../shared/domain';
import { setApiForTests } from '../api';
import { createFakeApi, DEVICE_ID, type FakeApi } from '../testing/fake-api';
import { App } from './App';
import { useDevices } from './devices-store';
import { useNav } from './nav-store';

const virtualPhoton: DeviceSummary = {
  deviceId: DEVICE_ID, platformId: 6, platformName: 'Photon', mode: 'listening', usbMode: 'normal', deviceOsVersion: '2.3.1',
  virtual: true, scenario: 'photon-no-wifi', health: 'attention', busy: false,
};
const usb = { available: false, problem: { code: 'USB_UNAVAILABLE', message: 'No USB access on this machine.', fix: 'Use a virtual device.' } };
let api: FakeApi;

beforeEach(() => {
  useNav.setState({ view: 'devices', deviceId: null, reportId: null });
  useDevices.setState({ devices: [], usb: null, loaded: false, problem: null });
  api = createFakeApi({
    'app.info': () => ({ name: 'Particle Rescue', version: '0.1.0', transport: 'browser', readOnly: false, station: false, os: 'linux' }),
    'devices.list': () => ({ devices: [], usb }),
    'lab.scenarios': () => ({ scenarios: [{ name: 'photon-no-wifi', title: 'Photon without Wi-Fi', description: 'Listening mode.', platformId: 6 }] }),
    'devices.udevRule': () => ({
      status: 'missing', offer: true, title: 'Allow this user to open Particle devices', message: 'Linux needs a udev rule.',
      rule: 'SUBSYSTEMS=="usb", ATTRS{idVendor}=="2b04", TAG+="uaccess"', manualFix: 'Copy it to `/etc/udev/rules.d/70-particle-rescue.rules`.',
    }),
    'devices.installUdevRule': () => ({ installed: true }),
    'lab.attach': () => {
      setTimeout(() => api.emit('devices.changed', { devices: [virtualPhoton], usb }), 0);
      return { device: virtualPhoton };
    },
  });
  setApiForTests(api);
});

describe('app shell and devices view', () => {
  it('offers a clearly labelled virtual device when nothing is plugged in, and shows it live', async () => {
    render(<App />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Particle Rescue');
    await screen.findByTestId('no-devices');
    expect(screen.getByTestId('usb-problem').textContent).toMatch(/Use a virtual device/);
    await waitFor(() => expect((screen.getByTestId('scenario-select') as HTMLSelectElement).value).toBe('photon-no-wifi'));
    fireEvent.click(screen.getByTestId('scenario-fast'));
    fireEvent.click(screen.getByTestId('attach-virtual'));
    await waitFor(() => expect(api.callsOf('lab.attach')).toEqual([{ scenario: 'photon-no-wifi', timing: 'fast' }]));
    const card = await screen.findByTestId(`device-card-${DEVICE_ID}`);
    expect(card.textContent).toMatch(/Virtual device \(demo\)/);
    expect(card.textContent).toMatch(/Listening \(setup\)/);
    expect(document.documentElement.dataset.ready).toBe('true');
  });

  it('offers the Linux udev rule when it is missing and real USB is in use', async () => {
    render(<App />);
    await screen.findByTestId('no-devices');
    expect(screen.queryByTestId('udev-notice')).toBeNull();
    act(() => api.emit('devices.changed', { devices: [], usb: { available: true, problem: null } }));
    const notice = await screen.findByTestId('udev-notice');
    expect(notice.textContent).toMatch(/70-particle-rescue.rules/);
    fireEvent.click(screen.getByTestId('udev-install'));
    await waitFor(() => expect(api.callsOf('devices.installUdevRule')).toHaveLength(1));
  });

  it('navigates with buttons that announce the current view', async () => {
    render(<App />);
    fireEvent.click(screen.getByTestId('nav-rescue'));
    expect(screen.getByTestId('nav-rescue').getAttribute('aria-current')).toBe('page');
    expect(await screen.findByTestId('stage-diagnose')).toBeTruthy();
    act(() => api.emit('devices.changed', { devices: [virtualPhoton], usb }));
    await waitFor(() => expect((screen.getByTestId('wizard-device') as HTMLSelectElement).value).toBe(DEVICE_ID));
  });
});
