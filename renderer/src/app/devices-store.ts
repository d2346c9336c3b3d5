import { create } from 'zustand';
import type { DeviceSummary, UsbStatus } from '../../../shared/domain';
import { getApi, type ApiClient } from '../api';
import { toProblem, type Problem } from './problem';

interface DevicesState {
  devices: DeviceSummary[];
  usb: UsbStatus | null;
  loaded: boolean;
  problem: Problem | null;
}

export const useDevices = create<DevicesState>(() => ({ devices: [], usb: null, loaded: false, problem: null }));

/** Loads the list once and keeps it live through hotplug events. Returns the unsubscribe. */
export function watchDevices(api: ApiClient = getApi()): () => void {
  const off = api.on('devices.changed', (list) => {
    useDevices.setState({ devices: list.devices, usb: list.usb, loaded: true, problem: null });
  });
  void refreshDevices(api);
  return off;
}

export async function refreshDevices(api: ApiClient = getApi()): Promise<void> {
  try {
    const list = await api.call('devices.list', {});
    useDevices.setState({ devices: list.devices, usb: list.usb, loaded: true, problem: null });
  } catch (error) {
    useDevices.setState({ loaded: true, problem: toProblem(error) });
  }
}

export function findDevice(deviceId: string | null): DeviceSummary | undefined {
  return deviceId ? useDevices.getState().devices.find((d) => d.deviceId === deviceId) : undefined;
}
