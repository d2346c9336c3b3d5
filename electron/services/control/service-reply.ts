/** Service reply of INIT / CHECK / RESET (usb-control-protocol.md §4): flags word, then optional fields. */
export const ServiceStatus = { OK: 0, ERROR: 1, PENDING: 2, BUSY: 3, NO_MEMORY: 4, NOT_FOUND: 5 } as const;

export const SERVICE_REPLY_LENGTH = 64;

const FLAG_STATUS = 0x01;
const FLAG_ID = 0x02;
const FLAG_SIZE = 0x04;
const FLAG_RESULT = 0x08;

export interface ServiceReply {
  status: number;
  id?: number;
  size?: number;
  result?: number;
}

export function parseServiceReply(view: DataView): ServiceReply | null {
  if (view.byteLength < 6) return null;
  const flags = view.getUint32(0, true);
  if (!(flags & FLAG_STATUS)) return null;
  const reply: ServiceReply = { status: view.getUint16(4, true) };
  let offset = 6;
  const need = (bytes: number): boolean => offset + bytes <= view.byteLength;
  if (flags & FLAG_ID) {
    if (!need(2)) return null;
    reply.id = view.getUint16(offset, true);
    offset += 2;
  }
  if (flags & FLAG_SIZE) {
    if (!need(4)) return null;
    reply.size = view.getUint32(offset, true);
    offset += 4;
  }
  if (flags & FLAG_RESULT) {
    if (!need(4)) return null;
    reply.result = view.getInt32(offset, true);
  }
  return reply;
}

/** The device side of the same format (the framing tests play the device with it). */
export function encodeServiceReply(reply: ServiceReply): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  let flags = FLAG_STATUS;
  view.setUint16(4, reply.status, true);
  let offset = 6;
  if (reply.id !== undefined) {
    flags |= FLAG_ID;
    view.setUint16(offset, reply.id, true);
    offset += 2;
  }
  if (reply.size !== undefined) {
    flags |= FLAG_SIZE;
    view.setUint32(offset, reply.size, true);
    offset += 4;
  }
  if (reply.result !== undefined) {
    flags |= FLAG_RESULT;
    view.setInt32(offset, reply.result, true);
    offset += 4;
  }
  view.setUint32(0, flags, true);
  return out.slice(0, offset);
}
