/** DFU 1.1 class requests, states and status codes (dfu-dfuse.md §1). */
export const DfuRequest = { DETACH: 0, DNLOAD: 1, UPLOAD: 2, GETSTATUS: 3, CLRSTATUS: 4, GETSTATE: 5, ABORT: 6 } as const;

export const DfuState = {
  appIDLE: 0,
  appDETACH: 1,
  dfuIDLE: 2,
  dfuDNLOAD_SYNC: 3,
  dfuDNBUSY: 4,
  dfuDNLOAD_IDLE: 5,
  dfuMANIFEST_SYNC: 6,
  dfuMANIFEST: 7,
  dfuMANIFEST_WAIT_RESET: 8,
  dfuUPLOAD_IDLE: 9,
  dfuERROR: 10,
} as const;

const STATE_NAMES = Object.fromEntries(Object.entries(DfuState).map(([k, v]) => [v, k.replace('_', '-')])) as Record<number, string>;

export const DFU_STATUS_NAMES: readonly string[] = [
  'OK',
  'errTARGET',
  'errFILE',
  'errWRITE',
  'errERASE',
  'errCHECK_ERASED',
  'errPROG',
  'errVERIFY',
  'errADDRESS',
  'errNOTDONE',
  'errFIRMWARE',
  'errVENDOR',
  'errUSBR',
  'errPOR',
  'errUNKNOWN',
  'errSTALLEDPKT',
];

/** What each status means to someone holding the device. */
const STATUS_HINTS: Record<string, string> = {
  errTARGET: 'the bootloader rejected the target memory',
  errFILE: 'the bootloader rejected the data',
  errWRITE: 'the flash could not be written',
  errERASE: 'the flash could not be erased',
  errCHECK_ERASED: 'the erase check failed',
  errPROG: 'programming the flash failed',
  errVERIFY: 'the written data did not verify on the device',
  errADDRESS: 'the address is outside the memory',
  errNOTDONE: 'the device was told to finish before all data arrived',
  errFIRMWARE: 'the firmware on the device is corrupt, so it cannot leave DFU mode',
  errVENDOR: 'the bootloader reported a vendor-specific error',
  errUSBR: 'an unexpected USB reset happened',
  errPOR: 'an unexpected power-on reset happened',
  errUNKNOWN: 'the bootloader reported an unknown error',
  errSTALLEDPKT: 'the device refused a request it did not expect',
};

export function dfuStateName(state: number): string {
  return STATE_NAMES[state] ?? `state ${state}`;
}

export function dfuStatusName(status: number): string {
  return DFU_STATUS_NAMES[status] ?? `status 0x${status.toString(16)}`;
}

export function dfuStatusHint(status: number): string {
  return STATUS_HINTS[dfuStatusName(status)] ?? 'the bootloader reported an error';
}

/** DfuSe special commands carried by DNLOAD block 0. */
export const DfuseCommand = { SET_ADDRESS: 0x21, ERASE: 0x41 } as const;

export interface DfuStatus {
  status: number;
  pollTimeoutMs: number;
  state: number;
  iString: number;
}
