import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../../shared/domain';
import { setApiForTests } from '../api';
import { useOperations, wireOperationEvents } from '../app/operations';
import { createFakeApi, DEVICE_ID, type FakeApi } from '../testing/fake-api';
import { DeviceCard } from './DeviceCard';
import { useRepairs } from './repairs-store';

const device: DeviceSummary = {
  deviceId: DEVICE_ID, platformId: 10, platformName: 'Electron', mode: 'normal', usbMode: 'normal', deviceOsVersion: '2.3.1',
  virtual: true, scenario: 'electron-seed', health: 'broken', busy: false,
};
const T = '2026-01-01T00:00:00.000Z';
const hash = (c: string) => c.repeat(64);
let api: FakeApi;

beforeEach(() => {
  useOperations.setState({ progress: {}, finished: {} });
  useRepairs.setState({ runs: {}, pending: {} });
  api = createFakeApi({
    'keys.repair': () => ({ operationId: 'op-repair-1', kind: 'repair-keys', deviceId: DEVICE_ID }),
    'keys.resume': () => ({ operationId: 'op-resume-1', kind: 'repair-keys', deviceId: DEVICE_ID }),
    'operations.get': () => ({ running: true, finished: null, lastProgress: null }),
  });
  setApiForTests(api);
  wireOperationEvents(api);
});

describe('device card', () => {
  it('labels a virtual device and shows its facts', () => {
    render(<DeviceCard device={device} />);
    expect(screen.getByTestId('virtual-label').textContent).toBe('Virtual device (demo)');
    expect(screen.getByTestId('device-id').textContent).toBe(DEVICE_ID);
    expect(screen.getByTestId('health-badge').getAttribute('data-health')).toBe('broken');
    expect(screen.getByRole('button', { name: `Copy device ID ${DEVICE_ID}` })).toBeTruthy();
  });

  it('repairs keys in one click after one confirmation, with progress and result', async () => {
    render(<DeviceCard device={device} />);
    fireEvent.click(screen.getByTestId('repair-keys'));
    expect(api.callsOf('keys.repair')).toHaveLength(0);
    fireEvent.click(screen.getByTestId('repair-confirm-yes'));
    await waitFor(() => expect(api.callsOf('keys.repair')).toEqual([{ deviceId: DEVICE_ID }]));
    act(() => api.emit('operations.progress', { operationId: 'op-repair-1', deviceId: DEVICE_ID, phase: 'backup', message: 'Backing up the DCT', bytesDone: 8192, bytesTotal: 16384 }));
    await waitFor(() => expect(screen.getByTestId('repair-progress').getAttribute('data-phase')).toBe('backup'));
    act(() =>
      api.emit('operations.finished', {
        operationId: 'op-repair-1', kind: 'repair-keys', deviceId: DEVICE_ID, status: 'succeeded', startedAt: T, finishedAt: T,
        result: {
          deviceId: DEVICE_ID, action: 'generated', keyWritten: true, serverKeyWritten: false, upload: 'done', backupId: 'bk-0001',
          before: { privateKeySha256: hash('a'), serverKeySha256: hash('b') }, after: { privateKeySha256: hash('c'), serverKeySha256: hash('b') },
          dfuSessions: 1, cloudConnected: true, keyFile: '/home/u/.config/rescue/keys/k.der', messages: ['Run `particle keys doctor` only if this fails again.'],
        },
      }),
    );
    // The card may leave the list while the device re-enumerates; the repair state survives that.
    cleanup();
    render(<DeviceCard device={{ ...device, mode: 'normal' }} />);
    const result = await screen.findByTestId('repair-result');
    expect(result.getAttribute('data-action')).toBe('generated');
    expect(screen.getByTestId('repair-cloud').textContent).toMatch(/back on the cloud/);
    // Fingerprints only: never more than a hash prefix of the slots.
    expect(screen.getByTestId('slot-hashes').textContent).toContain('cccccccccccc');
  });
});

describe('interrupted repair', () => {
  it('offers to resume a repair a previous session left part-way', async () => {
    useRepairs.setState({ pending: { [DEVICE_ID]: { deviceId: DEVICE_ID, lastCompletedStep: 'write-key', startedAt: T, uploadQueued: true, backupIds: ['bk-1'], lastError: 'The device was unplugged.' } } });
    render(<DeviceCard device={device} />);
    expect(screen.getByTestId('repair-pending').textContent).toMatch(/write-key.*unplugged.*upload is still queued/);
    fireEvent.click(screen.getByTestId('repair-resume'));
    await waitFor(() => expect(api.callsOf('keys.resume')).toEqual([{ deviceId: DEVICE_ID }]));
    await waitFor(() => expect(screen.getByTestId('repair').getAttribute('data-status')).toBe('running'));
  });
});
