import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../shared/contract/logs';
import { setApiForTests } from '../api';
import { createFakeApi, DEVICE_ID, type FakeApi } from '../testing/fake-api';
import { DeviceLog } from './DeviceLog';
import { logStoreFor, wireLogEvents } from './log-streams';

let api: FakeApi;
let seq = 0;
const line = (level: LogLine['level'], category: string, message: string): LogLine => ({
  seq: seq++, deviceId: DEVICE_ID, deviceTimeMs: 1000 + seq, receivedAt: '2026-01-01T00:00:00.000Z', level, category, message,
});

beforeEach(() => {
  logStoreFor(DEVICE_ID).clear();
  logStoreFor(DEVICE_ID).setFilter({});
  if (logStoreFor(DEVICE_ID).paused) logStoreFor(DEVICE_ID).resume();
  api = createFakeApi({
    'logs.start': () => ({ path: '/dev/ttyACM0' }),
    'logs.stop': () => ({ stopped: true }),
    'logs.export': (input) => ({ fileName: 'device.log', content: JSON.stringify(input.filter) }),
  });
  setApiForTests(api);
  wireLogEvents(api);
});

const rows = () => screen.queryAllByTestId('log-line');

describe('device log view', () => {
  it('streams lines into time, level, category and message columns', async () => {
    render(<DeviceLog deviceId={DEVICE_ID} />);
    fireEvent.click(screen.getByTestId('logs-start'));
    await screen.findByTestId('logs-stop');
    act(() => api.emit('logs.lines', { deviceId: DEVICE_ID, lines: [line('info', 'app', 'hello'), line('error', 'comm.protocol', 'handshake failed')] }));
    expect(rows()).toHaveLength(2);
    expect(rows()[1].textContent).toContain('handshake failed');
    expect(rows()[1].getAttribute('data-category')).toBe('comm.protocol');
    expect(rows()[0].querySelector('.log-time')?.textContent).toMatch(/^0+1\.\d{3}$/);
  });

  it('filters by level, category and text', () => {
    render(<DeviceLog deviceId={DEVICE_ID} />);
    act(() =>
      api.emit('logs.lines', {
        deviceId: DEVICE_ID,
        lines: [line('trace', 'net', 'dhcp'), line('info', 'app', 'hello'), line('warn', 'net', 'link down'), line('error', 'comm', 'bad key')],
      }),
    );
    fireEvent.change(screen.getByTestId('logs-level'), { target: { value: 'warn' } });
    expect(rows().map((r) => r.getAttribute('data-level'))).toEqual(['warn', 'error']);
    fireEvent.change(screen.getByTestId('logs-category'), { target: { value: 'net' } });
    expect(rows().map((r) => r.textContent)).toEqual([expect.stringContaining('link down')]);
    fireEvent.change(screen.getByTestId('logs-level'), { target: { value: 'trace' } });
    fireEvent.change(screen.getByTestId('logs-category'), { target: { value: '' } });
    fireEvent.change(screen.getByTestId('logs-text'), { target: { value: 'KEY' } });
    expect(rows().map((r) => r.textContent)).toEqual([expect.stringContaining('bad key')]);
  });

  it('pauses the view and catches up on resume', () => {
    render(<DeviceLog deviceId={DEVICE_ID} />);
    act(() => api.emit('logs.lines', { deviceId: DEVICE_ID, lines: [line('info', 'app', 'one')] }));
    fireEvent.click(screen.getByTestId('logs-pause'));
    act(() => api.emit('logs.lines', { deviceId: DEVICE_ID, lines: [line('info', 'app', 'two'), line('info', 'app', 'three')] }));
    expect(rows()).toHaveLength(1);
    expect(screen.getByTestId('logs-pause').textContent).toMatch(/Resume \(2 new\)/);
    fireEvent.click(screen.getByTestId('logs-pause'));
    expect(rows()).toHaveLength(3);
  });

  it('renders only the rows in view for a 100k-line log', () => {
    const lines: LogLine[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(line('info', 'app', `line ${i}`));
    render(<DeviceLog deviceId={DEVICE_ID} />);
    act(() => api.emit('logs.lines', { deviceId: DEVICE_ID, lines }));
    expect(screen.getByTestId('logs-list').getAttribute('data-count')).toBe('100000');
    expect(rows().length).toBeLessThan(60);
  });

  it('exports with the current filter', async () => {
    const created: Blob[] = [];
    URL.createObjectURL = (b: Blob) => {
      created.push(b);
      return 'blob:fake';
    };
    URL.revokeObjectURL = () => undefined;
    HTMLAnchorElement.prototype.click = () => undefined;
    render(<DeviceLog deviceId={DEVICE_ID} />);
    fireEvent.change(screen.getByTestId('logs-level'), { target: { value: 'error' } });
    fireEvent.click(screen.getByTestId('logs-export'));
    await waitFor(() => expect(api.callsOf('logs.export')).toEqual([{ deviceId: DEVICE_ID, filter: { minLevel: 'error' } }]));
    await waitFor(() => expect(created).toHaveLength(1));
  });
});
