import type { UsbMode } from '../../../shared/domain/platforms';
import type { UsbDeviceLike } from './webusb';

/** A Particle device found on USB (hardware or lab), ready for the control or DFU drivers. */
export interface AttachedDevice {
  deviceId: string;
  platformId: number;
  usbMode: UsbMode;
  usb: UsbDeviceLike;
  virtual: boolean;
  scenario: string | null;
}
