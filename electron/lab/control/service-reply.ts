/** Service reply framing (usb-control-protocol.md §4): flags, status, then optional id, size, result. */
export const SERVICE = { INIT: 1, CHECK: 2, SEND: 3, RECV: 4, RESET: 5 } as const;
export const SERVICE_STATUS = { OK: 0, ERROR: 1, PENDING: 2, BUSY: 3, NO_MEMORY: 4, NOT_FOUND: 5 } as const;
export const REPLY_FLAG = { STATUS: 1, ID: 2, SIZE: 4, RESULT: 8 } as const;

/** Device OS system_error_t values a finished request can carry (§5.1). */
export const RESULT = {
  OK: 0,
  ERROR: -100,
  BUSY: -110,
  NOT_SUPPORTED: -120,
  NOT_ALLOWED: -130,
  CANCELLED: -140,
  ABORTED: -150,
  NOT_FOUND: -170,
  INVALID_STATE: -210,
  INVALID_ARGUMENT: -270,
  DEVICE_PROTECTED: -1801,
} as const;

export interface ServiceReply {
  status: number;
  id?: number;
  size?: number;
  result?: number;
}

export function encodeServiceReply(reply: ServiceReply): Uint8Array {
  let flags: number = REPLY_FLAG.STATUS;
  let length = 6;
  if (reply.id !== undefined) {
    flags |= REPLY_FLAG.ID;
    length += 2;
  }
  if (reply.size !== undefined) {
    flags |= REPLY_FLAG.SIZE;
    length += 4;
  }
  if (reply.result !== undefined) {
    flags |= REPLY_FLAG.RESULT;
    length += 4;
  }
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, flags, true);
  view.setUint16(4, reply.status, true);
  let at = 6;
  if (reply.id !== undefined) {
    view.setUint16(at, reply.id, true);
    at += 2;
  }
  if (reply.size !== undefined) {
    view.setUint32(at, reply.size, true);
    at += 4;
  }
  if (reply.result !== undefined) view.setInt32(at, reply.result, true);
  return out;
}

export function decodeServiceReply(bytes: Uint8Array): ServiceReply {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = view.getUint32(0, true);
  const reply: ServiceReply = { status: view.getUint16(4, true) };
  let at = 6;
  if (flags & REPLY_FLAG.ID) {
    reply.id = view.getUint16(at, true);
    at += 2;
  }
  if (flags & REPLY_FLAG.SIZE) {
    reply.size = view.getUint32(at, true);
    at += 4;
  }
  if (flags & REPLY_FLAG.RESULT) reply.result = view.getInt32(at, true);
  return reply;
}
