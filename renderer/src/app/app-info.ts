import { create } from 'zustand';
import type { AppInfo } from '../../../shared/contract/app';

/** What the app shell learned at start; a read-only rescue station hides nothing but disables writes. */
export const useAppInfo = create<{ info: AppInfo | null }>(() => ({ info: null }));

export const READ_ONLY_HINT = 'This rescue station only diagnoses and reads; repairs are switched off.';

export function useReadOnly(): boolean {
  return useAppInfo((s) => s.info?.readOnly === true);
}
