import type { DeviceLab } from '../lab';
import type { SerialAccess } from './usb/usb-source';

/** Virtual devices' ports come from the lab, everything else from the real serial discovery. */
export function labFirstSerialAccess(lab: DeviceLab, real: SerialAccess | null): SerialAccess {
  return {
    locate: async (deviceId) => (lab.get(deviceId) ? lab.serialAccess.locate(deviceId) : (real?.locate(deviceId) ?? null)),
    touchBaud: async (deviceId, baud) => {
      if (lab.get(deviceId)) return lab.serialAccess.touchBaud(deviceId, baud);
      if (!real) throw new Error('no serial access to hardware in this mode');
      return real.touchBaud(deviceId, baud);
    },
  };
}
