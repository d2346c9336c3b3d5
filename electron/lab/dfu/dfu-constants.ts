/** DFU 1.1 class requests, states and status codes (dfu-dfuse.md §1). */
export const DFU_REQUEST = { DETACH: 0, DNLOAD: 1, UPLOAD: 2, GETSTATUS: 3, CLRSTATUS: 4, GETSTATE: 5, ABORT: 6 } as const;

export const DFU_STATE = {
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
export type DfuState = (typeof DFU_STATE)[keyof typeof DFU_STATE];

export const DFU_STATUS = {
  OK: 0x00,
  errTARGET: 0x01,
  errFILE: 0x02,
  errWRITE: 0x03,
  errERASE: 0x04,
  errCHECK_ERASED: 0x05,
  errPROG: 0x06,
  errVERIFY: 0x07,
  errADDRESS: 0x08,
  errNOTDONE: 0x09,
  errFIRMWARE: 0x0a,
  errVENDOR: 0x0b,
  errUSBR: 0x0c,
  errPOR: 0x0d,
  errUNKNOWN: 0x0e,
  errSTALLEDPKT: 0x0f,
} as const;
export type DfuStatusName = keyof typeof DFU_STATUS;

/** DfuSe command bytes (DNLOAD block 0) and the transfer size every Particle bootloader uses. */
export const DFUSE_COMMAND = { GET_COMMANDS: 0x00, SET_ADDRESS: 0x21, ERASE: 0x41, READ_UNPROTECT: 0x92, ENTER_SAFE_MODE: 0xfa, CLEAR_SECURITY_OVERRIDE: 0xfb } as const;
export const DFU_TRANSFER_SIZE = 4096;
