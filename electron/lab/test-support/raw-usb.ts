import type { UsbDeviceLike } from '../../services/usb/webusb';

/**
 * Hand-written control transfers for lab tests, deliberately independent of the app's DFU and
 * control-request code: if both agreed on a misreading of the spec, these tests would still catch it.
 */
const dfu = (request: number, value = 0) => ({ requestType: 'class' as const, recipient: 'interface' as const, request, value, index: 0 });

export async function getStatus(usb: UsbDeviceLike): Promise<{ status: number; poll: number; state: number; stalled: boolean }> {
  const r = await usb.controlTransferIn(dfu(3), 6);
  if (r.status === 'stall' || !r.data) return { status: -1, poll: 0, state: -1, stalled: true };
  const d = new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
  return { status: d[0], poll: d[1] | (d[2] << 8) | (d[3] << 16), state: d[4], stalled: false };
}

export async function getState(usb: UsbDeviceLike): Promise<number> {
  const r = await usb.controlTransferIn(dfu(5), 1);
  return r.status === 'ok' && r.data ? r.data.getUint8(0) : -1;
}

export async function dnload(usb: UsbDeviceLike, block: number, data: Uint8Array): Promise<'ok' | 'stall' | 'babble'> {
  return (await usb.controlTransferOut(dfu(1, block), new Uint8Array(data))).status;
}

export async function upload(usb: UsbDeviceLike, block: number, length: number): Promise<Uint8Array | 'stall'> {
  const r = await usb.controlTransferIn(dfu(2, block), length);
  if (r.status !== 'ok' || !r.data) return 'stall';
  return new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength).slice();
}

export async function clrStatus(usb: UsbDeviceLike): Promise<string> {
  return (await usb.controlTransferOut(dfu(4))).status;
}

export async function abort(usb: UsbDeviceLike): Promise<string> {
  return (await usb.controlTransferOut(dfu(6))).status;
}

export function command(byte: number, address?: number): Uint8Array {
  if (address === undefined) return Uint8Array.of(byte);
  const out = new Uint8Array(5);
  out[0] = byte;
  new DataView(out.buffer).setUint32(1, address >>> 0, true);
  return out;
}

/** DNLOAD then GETSTATUS until the device leaves dfuDNBUSY; returns the final status record. */
export async function dnloadAndWait(usb: UsbDeviceLike, block: number, data: Uint8Array) {
  const sent = await dnload(usb, block, data);
  if (sent !== 'ok') return { status: -1, poll: 0, state: -1, stalled: true };
  let s = await getStatus(usb);
  for (let i = 0; i < 100 && !s.stalled && s.state === 4; i++) s = await getStatus(usb);
  return s;
}

export async function openDfu(usb: UsbDeviceLike, alt: number): Promise<void> {
  if (!usb.opened) await usb.open();
  await usb.claimInterface(0);
  await usb.selectAlternateInterface(0, alt);
}

/** Poll until `check` is true (bounded; the lab's fast profile settles within a few ticks). */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const vendor = (request: number, value: number, index: number) => ({ requestType: 'vendor' as const, recipient: 'device' as const, request, value, index });

function parseReply(view: DataView): { status: number; id?: number; size?: number; result?: number } {
  const flags = view.getUint32(0, true);
  const out: { status: number; id?: number; size?: number; result?: number } = { status: view.getUint16(4, true) };
  let at = 6;
  if (flags & 2) {
    out.id = view.getUint16(at, true);
    at += 2;
  }
  if (flags & 4) {
    out.size = view.getUint32(at, true);
    at += 4;
  }
  if (flags & 8) out.result = view.getInt32(at, true);
  return out;
}

/** One control request by hand: INIT, SEND, CHECK until done, RECV. Returns result code and reply bytes. */
export async function controlRequest(usb: UsbDeviceLike, type: number, payload = new Uint8Array(0)): Promise<{ result: number; data: Uint8Array } | 'stall'> {
  const init = await usb.controlTransferIn(vendor(1, payload.length, type), 64);
  if (init.status !== 'ok' || !init.data) return 'stall';
  let reply = parseReply(init.data);
  const id = reply.id!;
  if (payload.length > 0) {
    while (reply.status === 2) {
      const c = await usb.controlTransferIn(vendor(2, 0, id), 64);
      reply = parseReply(c.data!);
    }
    await usb.controlTransferOut(vendor(3, 0, id), payload);
  }
  for (let i = 0; i < 200; i++) {
    const c = await usb.controlTransferIn(vendor(2, 0, id), 64);
    if (c.status !== 'ok' || !c.data) return 'stall';
    reply = parseReply(c.data);
    if (reply.status !== 2) break;
    await new Promise((r) => setTimeout(r, 1));
  }
  if (reply.status !== 0) throw new Error(`service status ${reply.status}`);
  if (!reply.size) return { result: reply.result ?? 0, data: new Uint8Array(0) };
  const r = await usb.controlTransferIn(vendor(4, 0, id), reply.size);
  return { result: reply.result ?? 0, data: new Uint8Array(r.data!.buffer, r.data!.byteOffset, r.data!.byteLength).slice() };
}

export async function vendorString(usb: UsbDeviceLike, index: number): Promise<string | 'stall'> {
  const r = await usb.controlTransferIn(vendor(0x50, 0, index), 64);
  if (r.status !== 'ok' || !r.data) return 'stall';
  return new TextDecoder().decode(new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength));
}

/** Standard GET_DESCRIPTOR for a string: first 1 byte for bLength, then the whole descriptor. */
export async function readString(usb: UsbDeviceLike, index: number): Promise<string | 'stall'> {
  const setup = { requestType: 'standard' as const, recipient: 'device' as const, request: 6, value: 0x0300 | index, index: 0x0409 };
  const head = await usb.controlTransferIn(setup, 1);
  if (head.status !== 'ok' || !head.data) return 'stall';
  const full = await usb.controlTransferIn(setup, head.data.getUint8(0));
  const bytes = new Uint8Array(full.data!.buffer, full.data!.byteOffset, full.data!.byteLength);
  let text = '';
  for (let i = 2; i + 1 < bytes.length; i += 2) text += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8));
  return text;
}
