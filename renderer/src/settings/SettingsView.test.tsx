import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CloudSession } from '../../../shared/contract/cloud';
import { setApiForTests } from '../api';
import { createFakeApi, type FakeApi } from '../testing/fake-api';
import { SettingsView } from './SettingsView';
import { useTheme } from './theme';

const loggedOut: CloudSession = { profileId: 'virtual', loggedIn: false, username: null, tokenStorage: 'memory', queuedUploads: 0 };
const loggedIn: CloudSession = { ...loggedOut, loggedIn: true, username: 'ada@example.com' };
let api: FakeApi;

beforeEach(() => {
  useTheme.setState({ theme: 'system' });
  api = createFakeApi({
    'cloud.profiles': () => ({
      profiles: [
        { id: 'particle', name: 'Particle Cloud', kind: 'particle', apiBaseUrl: 'https://api.particle.io', serverKeys: {}, serverAddress: {} },
        { id: 'virtual', name: 'Device lab', kind: 'virtual', apiBaseUrl: 'http://127.0.0.1:9/', serverKeys: {}, serverAddress: {} },
      ],
      activeId: 'virtual',
    }),
    'cloud.session': () => loggedOut,
    'cloud.useProfile': (input) => ({ ...loggedOut, profileId: input.profileId }),
    'cloud.login': () => ({ status: 'mfa-required', mfaToken: 'mfa-123' }),
    'cloud.loginMfa': (input) => {
      if (input.otp !== '123456') throw { code: 'CLOUD_AUTH_REQUIRED', message: 'The code is wrong.', fix: 'Type the current 6-digit code.' };
      return { status: 'ok', session: loggedIn };
    },
  });
  setApiForTests(api);
});

describe('settings', () => {
  it('keeps the theme choice across restarts and applies it', () => {
    render(<SettingsView />);
    fireEvent.click(screen.getByTestId('theme-dark'));
    expect(localStorage.getItem('particle-rescue.theme')).toBe('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('switches the cloud profile', async () => {
    render(<SettingsView />);
    await waitFor(() => expect((screen.getByTestId('cloud-profile') as HTMLSelectElement).value).toBe('virtual'));
    fireEvent.change(screen.getByTestId('cloud-profile'), { target: { value: 'particle' } });
    await waitFor(() => expect(api.callsOf('cloud.useProfile')).toEqual([{ profileId: 'particle' }]));
  });

  it('logs in with a one-time code and shows a wrong code with its fix', async () => {
    render(<SettingsView />);
    await screen.findByTestId('cloud-session');
    fireEvent.change(screen.getByTestId('login-username'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByTestId('login-password'), { target: { value: 'secret' } });
    fireEvent.click(screen.getByTestId('login-submit'));
    const otp = await screen.findByTestId('mfa-otp');
    await waitFor(() => expect(document.activeElement).toBe(otp));
    fireEvent.change(otp, { target: { value: '000000' } });
    fireEvent.submit(screen.getByTestId('mfa-form'));
    expect((await screen.findByRole('alert')).textContent).toMatch(/The code is wrong.*current 6-digit code/);
    fireEvent.change(otp, { target: { value: '123456' } });
    fireEvent.submit(screen.getByTestId('mfa-form'));
    await waitFor(() => expect(screen.getByTestId('cloud-session').getAttribute('data-logged-in')).toBe('true'));
    expect(screen.getByTestId('cloud-session').textContent).toMatch(/ada@example.com/);
    expect(api.callsOf('cloud.loginMfa')).toEqual([
      { mfaToken: 'mfa-123', otp: '000000' },
      { mfaToken: 'mfa-123', otp: '123456' },
    ]);
  });

  it('the code step has a way back to the email and password form', async () => {
    render(<SettingsView />);
    await screen.findByTestId('cloud-session');
    fireEvent.change(screen.getByTestId('login-username'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByTestId('login-password'), { target: { value: 'secret' } });
    fireEvent.click(screen.getByTestId('login-submit'));
    fireEvent.click(await screen.findByTestId('mfa-back'));
    const password = await screen.findByTestId('login-password');
    await waitFor(() => expect(document.activeElement).toBe(password));
    expect((screen.getByTestId('login-username') as HTMLInputElement).value).toBe('ada@example.com');
    expect(screen.queryByTestId('mfa-form')).toBeNull();
  });
});
