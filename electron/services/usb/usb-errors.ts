/**
 * What a thrown transfer error means. WebUSB reports an unplugged device as NotFoundError (node `usb`
 * and the lab follow it); libusb names leak through on real hardware.
 */
export type TransferFailure = 'gone' | 'access' | 'driver' | 'other';

export function classifyTransferError(error: unknown): TransferFailure {
  const name = error instanceof Error ? error.name : '';
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  if (name === 'NotFoundError' || /NO_DEVICE|disconnected|not found|no such device|ENODEV/i.test(text)) return 'gone';
  if (/ERROR_ACCESS|permission denied|EACCES|SecurityError/i.test(text)) return 'access';
  if (/NOT_SUPPORTED/i.test(text)) return 'driver';
  return 'other';
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
