import type { VerifyResult } from '../../../shared/contract/diagnosis';
import type { AttachedDevice } from '../usb/attached-device';

export function describeWait(device: AttachedDevice | null, status: VerifyResult['cloudStatus'], online: boolean | null): string {
  if (!device) return 'Waiting for the device to come back on USB…';
  if (device.usbMode === 'dfu') return 'The device is still in DFU mode; waiting for it to restart…';
  if (status === 'connected') return 'The device reports a cloud connection.';
  if (status === 'unknown' && online !== null) return `The device does not say; the cloud sees it ${online ? 'online' : 'offline'}.`;
  return `Cloud status: ${status}. Waiting for breathing cyan…`;
}

export function verifyMessage(connected: boolean, status: VerifyResult['cloudStatus'], online: boolean | null, timeoutMs: number): string {
  if (connected && online === false) return 'The device reports a cloud connection; the cloud has not marked it online yet (this can lag).';
  if (connected) return 'The device is connected to the Particle Cloud (breathing cyan).';
  const seconds = Math.round(timeoutMs / 1000);
  return status === 'connecting'
    ? `Still connecting after ${seconds} s. Devices retry with growing pauses; check the network and firewall (UDP 5684, TCP 5683 for Photon/P1), then verify again.`
    : `Not connected after ${seconds} s (status: ${status}). Check the LED: the diagnose step explains every pattern.`;
}
