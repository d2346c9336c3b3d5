import { RescueError } from '../../../shared/errors';

/** Device OS `system_error_t` values a finished request can carry (usb-control-protocol.md §5.1). */
const RESULT_NAMES: Record<number, string> = {
  0: 'OK',
  [-100]: 'ERROR',
  [-110]: 'BUSY',
  [-120]: 'NOT_SUPPORTED',
  [-130]: 'NOT_ALLOWED',
  [-140]: 'CANCELLED',
  [-150]: 'ABORTED',
  [-160]: 'TIMEOUT',
  [-170]: 'NOT_FOUND',
  [-180]: 'ALREADY_EXISTS',
  [-190]: 'TOO_LARGE',
  [-200]: 'LIMIT_EXCEEDED',
  [-210]: 'INVALID_STATE',
  [-220]: 'IO_ERROR',
  [-230]: 'NETWORK_ERROR',
  [-240]: 'PROTOCOL_ERROR',
  [-250]: 'INTERNAL_ERROR',
  [-260]: 'NO_MEMORY',
  [-270]: 'INVALID_ARGUMENT',
  [-280]: 'BAD_DATA',
  [-290]: 'OUT_OF_RANGE',
  [-1801]: 'DEVICE_PROTECTED',
  [-1802]: 'KEY_MISMATCH',
  [-1803]: 'INVALID_SIGNATURE',
};

export const RESULT_NOT_SUPPORTED = -120;
export const RESULT_DEVICE_PROTECTED = -1801;

export function resultName(result: number): string {
  return RESULT_NAMES[result] ?? `UNKNOWN(${result})`;
}

/** A non-zero result as the typed error the rest of the app understands. */
export function resultError(requestName: string, type: number, result: number): RescueError {
  const details = { requestType: type, result, resultName: resultName(result) };
  if (result === RESULT_NOT_SUPPORTED) {
    return new RescueError(
      'CONTROL_NOT_SUPPORTED',
      `The device does not support the "${requestName}" request (type ${type}); its Device OS is too old or this platform lacks it.`,
      'Use the fallback the app offers (buttons or DFU mode), or update Device OS first.',
      details,
    );
  }
  if (result === RESULT_DEVICE_PROTECTED) {
    return new RescueError(
      'DEVICE_PROTECTED',
      `The device refused "${requestName}" because Device Protection is on.`,
      'Put the device into Service Mode from the Particle Console, then try again.',
      details,
    );
  }
  return new RescueError(
    'CONTROL_REQUEST_FAILED',
    `The device answered "${requestName}" (type ${type}) with ${resultName(result)} (${result}).`,
    'Try again; if it keeps failing, reset the device or put it into DFU mode with the buttons.',
    details,
  );
}
