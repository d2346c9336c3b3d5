import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENT_NAMES, METHOD_NAMES } from '../../shared/contract';

const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async (channel: string, input: unknown) => ({ channel, input }));
const on = vi.fn();
const removeListener = vi.fn();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
  ipcRenderer: { invoke, on, removeListener, send: vi.fn(), sendSync: vi.fn() },
}));

describe('preload bridge', () => {
  beforeEach(async () => {
    await import('./preload');
  });

  it('exposes exactly one function per contract method and event, nothing else', () => {
    const bridge = exposed.particleRescue as { methods: Record<string, unknown>; events: Record<string, unknown> };
    expect(Object.keys(exposed)).toEqual(['particleRescue']);
    expect(Object.keys(bridge).sort()).toEqual(['events', 'methods']);
    expect(Object.keys(bridge.methods).sort()).toEqual([...METHOD_NAMES].sort());
    expect(Object.keys(bridge.events).sort()).toEqual([...EVENT_NAMES].sort());
    expect(Object.isFrozen(bridge.methods)).toBe(true);
  });

  it('routes a method to its own channel only', async () => {
    const bridge = exposed.particleRescue as { methods: Record<string, (i: unknown) => Promise<unknown>> };
    await expect(bridge.methods['devices.list']({})).resolves.toEqual({ channel: 'rpc:devices.list', input: {} });
  });

  it('subscribes and unsubscribes an event listener without exposing the IPC event', () => {
    const bridge = exposed.particleRescue as { events: Record<string, (cb: (p: unknown) => void) => () => void> };
    const seen: unknown[] = [];
    const off = bridge.events['devices.changed']((p) => seen.push(p));
    const [channel, wrapped] = on.mock.calls.at(-1) as [string, (e: unknown, p: unknown) => void];
    expect(channel).toBe('evt:devices.changed');
    wrapped({ sender: 'secret' }, { devices: [] });
    expect(seen).toEqual([{ devices: [] }]);
    off();
    expect(removeListener).toHaveBeenCalledWith('evt:devices.changed', wrapped);
  });
});
