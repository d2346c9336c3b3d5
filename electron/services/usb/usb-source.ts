import type { UsbDeviceLike } from './webusb';

/** Why hardware USB cannot be used here, as data the UI shows (never a crash). */
export interface UsbSourceProblem {
  code: 'USB_UNAVAILABLE' | 'USB_PERMISSION_DENIED' | 'USB_DRIVER_MISSING';
  message: string;
  fix: string;
}

export interface UsbSourceDevice {
  device: UsbDeviceLike;
  /** True for devices of the virtual lab. */
  virtual: boolean;
  /** Scenario name for virtual devices. */
  scenario: string | null;
}

/**
 * Where devices come from: real `usb` v3 hardware or the lab. services/usb asks a source and never
 * knows which it has.
 */
export interface UsbSource {
  list(): Promise<UsbSourceDevice[]>;
  /** Called on every attach/detach; returns an unsubscribe function. */
  onChange(listener: (change: { kind: 'attach' | 'detach'; device: UsbSourceDevice }) => void): () => void;
  problem(): UsbSourceProblem | null;
}

/** A device's USB CDC serial port (real: found by serial number; virtual: the lab's pty). */
export interface SerialPortRef {
  path: string;
  virtual: boolean;
}

export interface SerialAccess {
  locate(deviceId: string): Promise<SerialPortRef | null>;
  /**
   * Open the port at `baud` and close it again: the CDC line-coding request itself is the signal
   * (14400 → DFU, 28800 → listening on Device OS without control requests).
   */
  touchBaud(deviceId: string, baud: number): Promise<void>;
}
