import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RepairResult } from '../../../shared/contract/keys';
import type { DeviceSummary } from '../../../shared/domain';
import { setApiForTests } from '../api';
import { useOperations, wireOperationEvents } from '../app/operations';
import { createFakeApi, DEVICE_ID, type FakeApi } from '../testing/fake-api';
import { KeyRepair } from './KeyRepair';
import { useRepairs } from './repairs-store';

const device: DeviceSummary = {
  deviceId: DEVICE_ID, platformId: 6, platformName: 'Photon', mode: 'dfu', usbMode: 'dfu', deviceOsVersion: '2.3.1',
  virtual: true, scenario: 'photon-seed', health: 'unknown', busy: false,
};
const T = '2026-01-01T00:00:00.000Z';
const HASHES = { privateKeySha256: 'a'.repeat(64), serverKeySha256: 'b'.repeat(64) };
let api: FakeApi;

beforeEach(() => {
  useOperations.setState({ progress: {}, finished: {} });
  useRepairs.setState({ runs: {}, pending: {} });
  let n = 0;
  api = createFakeApi({
    'keys.repair': () => ({ operationId: `op-repair-${++n}`, kind: 'repair-keys', deviceId: DEVICE_ID }),
    'operations.get': () => ({ running: true, finished: null, lastProgress: null }),
  });
  setApiForTests(api);
  wireOperationEvents(api);
});

function finish(operationId: string, result: RepairResult): void {
  act(() => api.emit('operations.finished', { operationId, kind: 'repair-keys', deviceId: DEVICE_ID, status: 'succeeded', startedAt: T, finishedAt: T, result }));
}

const base: RepairResult = {
  deviceId: DEVICE_ID, action: 'none-needed', keyWritten: false, serverKeyWritten: false, upload: 'not-needed', backupId: null,
  before: HASHES, after: HASHES, dfuSessions: 1, cloudConnected: null, keyFile: null, messages: ['The key slots look intact, but whether the cloud accepts the device key is unknown.'],
};

describe('key repair result', () => {
  it('keys that could not be proven: nothing written, never "fine"; the user answers with the LED or regenerates', async () => {
    render(<KeyRepair device={device} />);
    fireEvent.click(screen.getByTestId('repair-keys'));
    fireEvent.click(screen.getByTestId('repair-confirm-yes'));
    await waitFor(() => expect(api.callsOf('keys.repair')).toHaveLength(1));
    finish('op-repair-1', { ...base, needsDecision: 'regenerate-unproven-key' });
    const decision = await screen.findByTestId('repair-decision');
    expect(decision.textContent).toMatch(/Nothing was written/);
    expect(decision.textContent).not.toMatch(/already fine|healthy/);
    fireEvent.click(screen.getByTestId('repair-led-refused'));
    await waitFor(() => expect(api.callsOf('keys.repair').at(-1)).toEqual({ deviceId: DEVICE_ID, ledPatternId: 'cyan-red-burst' }));
  });

  it('a repair whose device did not come online says so, with the measured reason and where the backup is', async () => {
    render(<KeyRepair device={device} />);
    fireEvent.click(screen.getByTestId('repair-keys'));
    fireEvent.click(screen.getByTestId('repair-confirm-yes'));
    await waitFor(() => expect(api.callsOf('keys.repair')).toHaveLength(1));
    finish('op-repair-1', {
      ...base, action: 'generated', keyWritten: true, upload: 'done', backupId: 'bk-9', cloudConnected: false, offlineReason: 'cloud-refused-key',
      backups: [{ backupId: 'bk-9', location: '/data/backups/bk-9' }], messages: [],
    });
    const result = await screen.findByTestId('repair-result');
    expect(result.className).toMatch(/notice-warn/);
    expect(screen.getByTestId('repair-cloud').textContent).toMatch(/Repaired, not yet online\. The cloud refused the device key\./);
    expect(result.textContent).toContain('/data/backups/bk-9');
  });
});
