import type { DeviceMode } from '../../../shared/domain';

export const MODE_TEXT: Record<DeviceMode, string> = {
  normal: 'Normal',
  listening: 'Listening (setup)',
  safe: 'Safe mode',
  dfu: 'DFU (update mode)',
  unknown: 'Unknown',
};
