import { create } from 'zustand';

export const VIEWS = [
  { id: 'devices', label: 'Devices' },
  { id: 'rescue', label: 'Rescue' },
  { id: 'logs', label: 'Logs' },
  { id: 'reports', label: 'Reports' },
  { id: 'backups', label: 'Backups' },
  { id: 'settings', label: 'Settings' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

interface NavState {
  view: ViewId;
  /** The device the rescue wizard and the logs view work on. */
  deviceId: string | null;
  /** Report to open when the Reports view shows. */
  reportId: string | null;
}

export const useNav = create<NavState>(() => ({ view: 'devices', deviceId: null, reportId: null }));

export function go(view: ViewId, extra: Partial<Omit<NavState, 'view'>> = {}): void {
  useNav.setState({ view, ...extra });
}
