import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../shared/contract/diagnosis';
import type { DeviceSummary } from '../../../shared/domain';
import { setApiForTests } from '../api';
import { useDevices } from '../app/devices-store';
import { useOperations, wireOperationEvents } from '../app/operations';
import { createFakeApi, DEVICE_ID, type FakeApi } from '../testing/fake-api';
import { rescueStepStatus } from './RescueStage';
import { RescueView } from './RescueView';
import { useWizard } from './wizard-store';

const device: DeviceSummary = {
  deviceId: DEVICE_ID, platformId: 6, platformName: 'Photon', mode: 'normal', usbMode: 'normal', deviceOsVersion: '1.5.2',
  virtual: true, scenario: 'photon-seed', health: 'broken', busy: false,
};

const diagnosis: Diagnosis = {
  deviceId: DEVICE_ID,
  summary: 'The device cannot finish the cloud handshake.',
  cause: 'Its private key does not match the key the cloud holds.',
  why: 'The configuration area was rewritten and the device made a new key.',
  findings: [{ id: 'keys', severity: 'error', source: 'dct', title: 'Device key', detail: 'Corrupt key slot.' }],
  plan: [
    { step: 'diagnose', action: 'run', title: 'Diagnose', reason: 'Reads everything.' },
    { step: 'enter-dfu', action: 'run', title: 'Enter DFU mode', reason: 'Repairs are written in DFU mode.' },
    { step: 'reflash-os', action: 'skip', title: 'Reinstall Device OS', reason: 'Device OS is installed and passes its own checks.' },
    { step: 'repair-keys', action: 'run', title: 'Repair the cloud keys', reason: 'The keys need repair.' },
    { step: 'reflash-user', action: 'skip', title: 'Reinstall the application', reason: 'The application is installed and valid.' },
    { step: 'wifi', action: 'skip', title: 'Connect to Wi-Fi', reason: 'Wi-Fi credentials are stored.' },
    { step: 'verify', action: 'run', title: 'Verify the cloud connection', reason: 'Waits for breathing cyan.' },
  ],
};

const T = '2026-01-01T00:00:00.000Z';
let api: FakeApi;

function finish(operationId: string, kind: 'diagnose' | 'rescue' | 'verify', result: unknown) {
  act(() => api.emit('operations.finished', { operationId, kind, deviceId: DEVICE_ID, status: 'succeeded', result, startedAt: T, finishedAt: T }));
}

beforeEach(() => {
  useOperations.setState({ progress: {}, finished: {} });
  useWizard.setState({ deviceId: null, ledPatternId: null, stage: 'diagnose', diagnosis: { status: 'idle' }, rescue: { status: 'idle' }, verify: { status: 'idle' }, outcomes: {}, skipped: [], stepProgress: {}, activeStep: null, firmware: {} });
  useDevices.setState({ devices: [device], usb: { available: true, problem: null }, loaded: true, problem: null });
  api = createFakeApi({
    'diagnosis.run': () => ({ operationId: 'op-diag-1', kind: 'diagnose', deviceId: DEVICE_ID }),
    'rescue.start': () => ({ operationId: 'op-rescue-1', kind: 'rescue', deviceId: DEVICE_ID }),
    'diagnosis.verify': () => ({ operationId: 'op-verify-1', kind: 'verify', deviceId: DEVICE_ID }),
    'operations.get': () => ({ running: true, finished: null, lastProgress: null }),
    'operations.cancel': () => ({ cancelled: true }),
    'lab.pressButtons': () => ({ pressed: true }),
    'lab.led': () => ({ patternId: 'cyan-red-burst', color: '#00ffff', pattern: 'blink', periodMs: 200, burst: { color: '#ff0000', count: 1 }, sosCode: null, description: 'Blinking cyan with red flashes' }),
  });
  setApiForTests(api);
  wireOperationEvents(api);
});

describe('rescue wizard', () => {
  it('goes from the LED to the plan, runs the planned steps and verifies breathing cyan', async () => {
    render(<RescueView />);
    // The only attached device is picked for the user.
    await waitFor(() => expect(useWizard.getState().deviceId).toBe(DEVICE_ID));
    fireEvent.click(screen.getByRole('radio', { name: /Cyan with rapid red flashes/ }));
    fireEvent.click(screen.getByTestId('run-diagnosis'));
    await waitFor(() => expect(api.callsOf('diagnosis.run')).toEqual([{ deviceId: DEVICE_ID, ledPatternId: 'cyan-red-burst' }]));
    finish('op-diag-1', 'diagnose', diagnosis);

    await screen.findByTestId('stage-plan');
    expect(screen.getByTestId('diagnosis-summary').textContent).toBe(diagnosis.summary);
    expect(screen.getByTestId('diagnosis-cause').textContent).toBe(diagnosis.cause);
    const skipped = screen.getByTestId('plan-step-reflash-os');
    expect(skipped.getAttribute('data-status')).toBe('skipped');
    expect(skipped.textContent).toMatch(/passes its own checks/);
    // What a run step will do is shown before it runs.
    expect(screen.getByTestId('plan-step-repair-keys').textContent).toMatch(/writes a fresh device key/);
    // Focus moves to the new step's heading.
    expect(document.activeElement?.textContent).toMatch(/The diagnosis and the plan/);

    fireEvent.click(screen.getByTestId('start-rescue'));
    // Verify is not sent with the writing steps: the Verify screen runs it once they succeeded.
    await waitFor(() => expect(api.callsOf('rescue.start')).toEqual([{ deviceId: DEVICE_ID, steps: ['enter-dfu', 'repair-keys'] }]));
    await screen.findByTestId('stage-rescue');

    act(() => api.emit('operations.progress', { operationId: 'op-rescue-1', deviceId: DEVICE_ID, phase: 'await-buttons', message: 'Press the buttons', step: 'enter-dfu' }));
    expect(screen.getByTestId('plan-step-diagnose').getAttribute('data-status')).toBe('done');
    expect(screen.getByTestId('plan-step-enter-dfu').getAttribute('data-status')).toBe('active');
    expect(screen.getByTestId('button-sequence').textContent).toMatch(/SETUP/);
    fireEvent.click(screen.getByTestId('press-buttons-virtual'));
    await waitFor(() => expect(api.callsOf('lab.pressButtons')).toEqual([{ deviceId: DEVICE_ID, hold: 'dfu' }]));

    act(() => api.emit('operations.progress', { operationId: 'op-rescue-1', deviceId: DEVICE_ID, phase: 'write-key', message: 'Writing the key', bytesDone: 96, bytesTotal: 192, step: 'repair-keys' }));
    expect(screen.queryByTestId('button-sequence')).toBeNull();
    expect(screen.getByTestId('rescue-progress').textContent).toMatch(/96 B of 192 B/);

    finish('op-rescue-1', 'rescue', {
      reportId: 'report-1',
      steps: [
        { step: 'enter-dfu', status: 'succeeded', message: 'In DFU mode.' },
        { step: 'repair-keys', status: 'succeeded', message: 'A new device key was written and read back.' },
      ],
    });
    await screen.findByTestId('stage-verify');
    await waitFor(() => expect(api.callsOf('diagnosis.verify')).toHaveLength(1));
    finish('op-verify-1', 'verify', {
      deviceId: DEVICE_ID, cloudStatus: 'connected', onlineInCloud: true, message: 'Handshake done.',
      led: { patternId: 'breathing-cyan', color: '#00ffff', pattern: 'breathe', periodMs: 4000, burst: null, sosCode: null, description: 'Breathing cyan' },
    });
    const result = await screen.findByTestId('verify-result');
    expect(result.getAttribute('data-cloud-status')).toBe('connected');
    expect(screen.getByTestId('verify-led').getAttribute('data-pattern-id')).toBe('breathing-cyan');
    expect(screen.getByTestId('open-report')).toBeTruthy();
  });

  it('stops at a failed step with its error and fix, offers Retry / Skip / Cancel, and does not verify', async () => {
    useWizard.setState({ deviceId: DEVICE_ID, stage: 'plan', diagnosis: { status: 'succeeded', operationId: 'op-diag-1', result: diagnosis } });
    render(<RescueView />);
    fireEvent.click(screen.getByTestId('start-rescue'));
    await screen.findByTestId('stage-rescue');
    act(() => api.emit('operations.progress', { operationId: 'op-rescue-1', deviceId: DEVICE_ID, phase: 'write', message: '', step: 'repair-keys' }));
    expect(screen.getByTestId('rescue-cancel')).toBeTruthy();
    act(() =>
      api.emit('operations.finished', {
        operationId: 'op-rescue-1', kind: 'rescue', deviceId: DEVICE_ID, status: 'failed', startedAt: T, finishedAt: T,
        error: {
          code: 'DEVICE_GONE', message: '“Repair the cloud keys” failed: The device was unplugged.', fix: 'Plug it back in and start again.',
          details: {
            reportId: 'report-1',
            steps: [
              { step: 'enter-dfu', status: 'skipped', message: 'The next step switches to DFU mode by itself.' },
              { step: 'repair-keys', status: 'failed', message: 'The device was unplugged.', fix: 'Plug it back in and start again.', code: 'DEVICE_GONE' },
            ],
          },
        },
      }),
    );
    const stop = await screen.findByTestId('step-stop');
    expect(stop.getAttribute('data-step')).toBe('repair-keys');
    expect(screen.getByTestId('step-outcome-repair-keys').textContent).toMatch(/unplugged/);
    expect(screen.getByTestId('step-fix-repair-keys').textContent).toMatch(/Plug it back in/);
    expect(screen.getByTestId('plan-step-repair-keys').getAttribute('data-status')).toBe('failed');
    // A skipped step says skipped (and why), never Done.
    expect(screen.getByTestId('plan-step-enter-dfu').getAttribute('data-status')).toBe('skipped');
    expect(screen.getByTestId('step-outcome-enter-dfu').textContent).toMatch(/switches to DFU mode by itself/);
    expect(screen.queryByTestId('stage-verify')).toBeNull();
    expect(api.callsOf('diagnosis.verify')).toHaveLength(0);

    // Retry runs the failed step and what follows it again.
    fireEvent.click(screen.getByTestId('step-retry'));
    await waitFor(() => expect(api.callsOf('rescue.start')).toHaveLength(2));
    expect(api.callsOf('rescue.start')[1]).toEqual({ deviceId: DEVICE_ID, steps: ['repair-keys'] });
  });

  it('cancels a running diagnosis and a running verify', async () => {
    useWizard.setState({ deviceId: DEVICE_ID });
    render(<RescueView />);
    fireEvent.click(screen.getByTestId('run-diagnosis'));
    await waitFor(() => expect(useWizard.getState().diagnosis).toMatchObject({ status: 'running', operationId: 'op-diag-1' }));
    fireEvent.click(await screen.findByTestId('diagnosis-cancel'));
    await waitFor(() => expect(api.callsOf('operations.cancel')).toEqual([{ operationId: 'op-diag-1' }]));
    act(() => api.emit('operations.finished', { operationId: 'op-diag-1', kind: 'diagnose', deviceId: DEVICE_ID, status: 'cancelled', startedAt: T, finishedAt: T }));
    await waitFor(() => expect(useWizard.getState().diagnosis.status).toBe('cancelled'));

    act(() => void useWizard.getState().runVerify());
    fireEvent.click(await screen.findByTestId('verify-cancel'));
    await waitFor(() => expect(api.callsOf('operations.cancel')).toContainEqual({ operationId: 'op-verify-1' }));
    act(() => api.emit('operations.finished', { operationId: 'op-verify-1', kind: 'verify', deviceId: DEVICE_ID, status: 'cancelled', startedAt: T, finishedAt: T }));
    await screen.findByTestId('verify-cancelled');
  });

  it('Start over and choosing the device again give a fresh wizard', async () => {
    useWizard.setState({ deviceId: DEVICE_ID, stage: 'verify', diagnosis: { status: 'succeeded', operationId: 'op-diag-1', result: diagnosis }, rescue: { status: 'succeeded', operationId: 'op-rescue-1', result: { reportId: 'r' } } });
    render(<RescueView />);
    fireEvent.click(screen.getByTestId('wizard-start-over'));
    await screen.findByTestId('stage-diagnose');
    expect(useWizard.getState().diagnosis.status).toBe('idle');
    useWizard.setState({ stage: 'plan', diagnosis: { status: 'succeeded', operationId: 'op-diag-1', result: diagnosis } });
    act(() => useWizard.getState().selectDevice(DEVICE_ID));
    await screen.findByTestId('stage-diagnose');
  });

  it('puts manual steps in front of the user with their advice', async () => {
    const listening: Diagnosis = {
      ...diagnosis,
      summary: 'The device is in listening mode (blinking dark blue): it has no Wi-Fi network to join.',
      plan: diagnosis.plan.map((s) =>
        s.step === 'wifi' ? { ...s, action: 'manual', reason: 'Run `particle serial wifi`.' } : s.step === 'diagnose' || s.step === 'verify' ? s : { ...s, action: 'skip' },
      ),
    };
    useWizard.setState({ deviceId: DEVICE_ID, stage: 'plan', diagnosis: { status: 'succeeded', operationId: 'op-diag-1', result: listening } });
    render(<RescueView />);
    expect(screen.getByTestId('manual-wifi').textContent).toMatch(/particle serial wifi/);
    expect(screen.queryByTestId('start-rescue')).toBeNull();
    expect(screen.getByTestId('start-verify')).toBeTruthy();
  });
});

describe('reflash steps', () => {
  it('sends the chosen Device OS files with the rescue, as base64', async () => {
    const broken: Diagnosis = {
      ...diagnosis,
      plan: diagnosis.plan.map((s) => (s.step === 'reflash-os' ? { ...s, action: 'run', reason: 'Device OS is missing.' } : s)),
    };
    useWizard.setState({ deviceId: DEVICE_ID, stage: 'plan', diagnosis: { status: 'succeeded', operationId: 'op-diag-1', result: broken } });
    render(<RescueView />);
    const file = new File([new Uint8Array([1, 2, 3, 250])], 'system-part1.bin');
    fireEvent.change(screen.getByTestId('firmware-os'), { target: { files: [file] } });
    await screen.findByText(/Chosen: system-part1.bin/);
    fireEvent.click(screen.getByTestId('start-rescue'));
    await waitFor(() =>
      expect(api.callsOf('rescue.start')).toEqual([
        {
          deviceId: DEVICE_ID,
          steps: ['enter-dfu', 'reflash-os', 'repair-keys'],
          firmware: { os: [{ fileName: 'system-part1.bin', dataBase64: 'AQID+g==' }] },
        },
      ]),
    );
  });
});

describe('rescueStepStatus', () => {
  it('shows the real outcome of each step, the live one as active, and nothing done without an outcome', () => {
    const run = ['enter-dfu', 'repair-keys'] as const;
    const live = rescueStepStatus([...run], 'repair-keys', true, { 'enter-dfu': { step: 'enter-dfu', status: 'succeeded', message: '' } });
    expect(['diagnose', 'enter-dfu', 'repair-keys', 'verify', 'wifi'].map((s) => live(s as never))).toEqual(['done', 'done', 'active', null, null]);
    const after = rescueStepStatus([...run], null, false, {
      'enter-dfu': { step: 'enter-dfu', status: 'skipped', message: '' },
      'repair-keys': { step: 'repair-keys', status: 'failed', message: '' },
    });
    expect(after('enter-dfu')).toBe('skipped');
    expect(after('repair-keys')).toBe('failed');
    expect(rescueStepStatus(['reflash-os'], null, false, { 'reflash-os': { step: 'reflash-os', status: 'needs-you', message: '' } })('reflash-os')).toBe('manual');
    expect(rescueStepStatus(['reflash-os'], null, false, {})('reflash-os')).toBe('pending');
  });
});
