import type { WebSocket } from 'ws';
import type { UsbControlSetup, UsbDeviceLike } from '../../services/usb/webusb';
import type { DeviceLab } from '../device-lab';
import { type ClientMessage, type FaceInfo, type LabDeviceInfo, type ServerMessage, USB_METHODS, faceInfo, faceState, fromBase64, toBase64 } from './usb-wire';

interface Face {
  handle: number;
  usb: UsbDeviceLike;
  device: LabDeviceInfo;
}

/**
 * The lab service's side of the remote USB bus: gives every face of every virtual device a handle,
 * runs the calls clients send on the real virtual USBDevice, and tells clients about every attach
 * and detach (re-enumeration), so a client's UsbSource sees what an in-process lab shows.
 */
export class UsbBridge {
  private readonly faces = new Map<number, Face>();
  private readonly clients = new Set<WebSocket>();
  private readonly opened = new Map<WebSocket, Set<number>>();
  private nextHandle = 1;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly lab: DeviceLab,
    /** Called after every call that may have changed device state (the service saves, debounced). */
    private readonly changed: () => void,
  ) {
    for (const device of lab.list()) if (device.usb) this.add(device.usb);
    this.unsubscribe = lab.source.onChange(({ kind, device }) => {
      if (kind === 'attach') this.add(device.device);
      else this.remove(device.device);
    });
  }

  devices(): LabDeviceInfo[] {
    return this.lab.list().map((d) => ({ deviceId: d.deviceId, scenario: d.scenario }));
  }

  /** A device came or went from the lab (attach, detach, reset): tell every client. */
  devicesChanged(): void {
    this.broadcast({ type: 'devices', devices: this.devices() });
  }

  connect(ws: WebSocket): void {
    this.clients.add(ws);
    this.opened.set(ws, new Set());
    this.send(ws, { type: 'hello', faces: [...this.faces.values()].map((f) => this.info(f)), devices: this.devices() });
    ws.on('message', (data) => void this.answer(ws, data.toString()));
    ws.on('close', () => this.disconnect(ws));
  }

  close(): void {
    this.unsubscribe();
    for (const ws of this.clients) ws.terminate();
    this.clients.clear();
  }

  private add(usb: UsbDeviceLike): void {
    const owner = this.lab.list().find((d) => d.usb === usb);
    if (!owner || [...this.faces.values()].some((f) => f.usb === usb)) return;
    const face = { handle: this.nextHandle++, usb, device: { deviceId: owner.deviceId, scenario: owner.scenario } };
    this.faces.set(face.handle, face);
    this.broadcast({ type: 'attach', face: this.info(face) });
  }

  private remove(usb: UsbDeviceLike): void {
    const face = [...this.faces.values()].find((f) => f.usb === usb);
    if (!face) return;
    this.faces.delete(face.handle);
    this.broadcast({ type: 'detach', handle: face.handle });
  }

  private info(face: Face): FaceInfo {
    return faceInfo(face.handle, face.usb, face.device);
  }

  /** A client process that dies (even by SIGKILL) releases what it opened, as the OS does for real USB. */
  private disconnect(ws: WebSocket): void {
    this.clients.delete(ws);
    for (const handle of this.opened.get(ws) ?? []) {
      const face = this.faces.get(handle);
      if (face?.usb.opened) void face.usb.close().catch(() => undefined);
    }
    this.opened.delete(ws);
  }

  private async answer(ws: WebSocket, text: string): Promise<void> {
    let message: ClientMessage;
    try {
      message = JSON.parse(text) as ClientMessage;
    } catch {
      return;
    }
    const id = typeof message.id === 'number' ? message.id : -1;
    try {
      if (message.op === 'touchBaud') {
        const device = this.lab.get(String(message.deviceId));
        if (!device) throw Object.assign(new Error(`no virtual device ${message.deviceId} in the lab`), { name: 'NotFoundError' });
        await device.touchBaud(Number(message.baud));
        this.send(ws, { type: 'reply', id, ok: true, result: null });
      } else if (message.op === 'call') {
        const face = this.faces.get(Number(message.handle));
        if (!face) throw Object.assign(new Error('The device was disconnected.'), { name: 'NotFoundError' });
        if (!USB_METHODS.includes(message.method)) throw Object.assign(new Error(`no USB method ${String(message.method)}`), { name: 'NotSupportedError' });
        const result = await this.call(face.usb, message.method, message.args ?? []);
        if (message.method === 'open') this.opened.get(ws)?.add(face.handle);
        this.send(ws, { type: 'reply', id, ok: true, result, state: faceState(face.usb) });
      }
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      this.send(ws, { type: 'reply', id, ok: false, error: { name: e.name, message: e.message } });
    } finally {
      this.changed();
    }
  }

  private async call(usb: UsbDeviceLike, method: (typeof USB_METHODS)[number], args: unknown[]): Promise<unknown> {
    const n = (i: number) => Number(args[i]);
    switch (method) {
      case 'open':
        return usb.open();
      case 'close':
        return usb.close();
      case 'selectConfiguration':
        return usb.selectConfiguration(n(0));
      case 'claimInterface':
        return usb.claimInterface(n(0));
      case 'releaseInterface':
        return usb.releaseInterface(n(0));
      case 'selectAlternateInterface':
        return usb.selectAlternateInterface(n(0), n(1));
      case 'controlTransferIn': {
        const result = await usb.controlTransferIn(args[0] as UsbControlSetup, n(1));
        return { status: result.status, data: result.data ? toBase64(result.data) : null };
      }
      case 'controlTransferOut': {
        const data = typeof args[1] === 'string' ? fromBase64(args[1]) : undefined;
        return usb.controlTransferOut(args[0] as UsbControlSetup, data);
      }
    }
  }

  private broadcast(message: ServerMessage): void {
    for (const ws of this.clients) this.send(ws, message);
  }

  private send(ws: WebSocket, message: ServerMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  }
}
