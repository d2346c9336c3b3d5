import type { UsbSourceProblem } from './usb-source';
import { udevFix } from './udev-rule';

export function usbUnavailable(detail: string): UsbSourceProblem {
  return {
    code: 'USB_UNAVAILABLE',
    message: `This computer has no USB subsystem the app can use (${detail}). Hardware devices cannot be reached; virtual devices still work.`,
    fix: 'Run Particle Rescue on the computer the device is plugged into (in a VM or container, pass the USB bus through).',
  };
}

export function usbPermissionDenied(platform: NodeJS.Platform): UsbSourceProblem {
  return {
    code: 'USB_PERMISSION_DENIED',
    message: 'The app is not allowed to open the Particle device (LIBUSB_ERROR_ACCESS).',
    fix: platform === 'linux' ? udevFix() : 'Close other programs that use the device (Particle CLI, serial monitors, browser tabs), then unplug and replug it.',
  };
}

export function usbDriverMissing(): UsbSourceProblem {
  return {
    code: 'USB_DRIVER_MISSING',
    message: 'Windows has the wrong driver for the device in DFU mode (LIBUSB_ERROR_NOT_SUPPORTED), so DFU cannot be used.',
    fix:
      'In Device Manager uninstall the device\'s libusbK / libusb-win32 / old Particle driver (tick "delete the driver software"), ' +
      'then with the device in DFU mode run Zadig, pick the "… DFU Mode" device, choose WinUSB and install it; replug the device.',
  };
}
