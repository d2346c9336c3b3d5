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
  return (await usb.controlTransferOut(dfu(1, block), data)).status;
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
