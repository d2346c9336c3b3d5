import { RescueError } from '../../../shared/errors';
import { platformById } from '../../../shared/domain/platforms';
import type { UsbControlSetup, UsbDeviceLike, UsbInResult } from '../usb/webusb';
import { realSleep, throwIfAborted, type Sleep } from '../usb/sleep';
import { withTransferTimeout } from '../usb/transfer-timeout';
import { classifyTransferError, describeError } from '../usb/usb-errors';
import { parseServiceReply, SERVICE_REPLY_LENGTH, ServiceStatus, type ServiceReply } from './service-reply';
import { resultError } from './result-codes';

export interface ControlClientOptions {
  platformId: number;
  sleep?: Sleep;
  /** Whole-request budget (INIT to last RECV), counted in back-off time. Default 60 s as particle-usb. */
  timeoutMs?: number;
  /** Budget for one control transfer, in real time. Default 5 s as particle-usb. */
  transferTimeoutMs?: number;
}

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ControlReply {
  result: number;
  data: Uint8Array;
}

const SERVICE = { INIT: 1, CHECK: 2, SEND: 3, RECV: 4, RESET: 5 } as const;
const VENDOR_REQUEST = 0x50;
export const CHECK_INTERVALS_MS = [50, 50, 100, 100, 250, 250, 500, 500, 1000] as const;
const MAX_CHUNK = 4096;

/**
 * The transport under every control request (usb-control-protocol.md): the INIT/SEND/CHECK/RECV/RESET
 * service framing with back-off, cancellation and typed results, plus the 0x50 one-shot requests.
 * It knows bytes and request numbers, not what they mean. One request at a time per device.
 */
export class ControlTransport {
  private readonly sleep: Sleep;
  private readonly timeoutMs: number;
  private readonly transferTimeoutMs: number;
  private readonly outNeedsDataStage: boolean;
  private ready: Promise<void> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly usb: UsbDeviceLike,
    opts: ControlClientOptions,
  ) {
    this.sleep = opts.sleep ?? realSleep;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.transferTimeoutMs = opts.transferTimeoutMs ?? 5_000;
    this.outNeedsDataStage = platformById(opts.platformId)?.outNeedsDataStage ?? false;
  }

  /** Opens the device and cancels whatever a previous session left active on it (result ignored). */
  open(): Promise<void> {
    this.ready ??= (async () => {
      if (!this.usb.opened) await this.transfer(this.usb.open(), 'open');
      await this.serviceIn(SERVICE.RESET, 0, 0).catch(() => undefined);
    })().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  /** Sends one typed request; a non-zero result becomes a typed error. */
  request(type: number, name: string, payload: Uint8Array<ArrayBuffer> = new Uint8Array(0), options: RequestOptions = {}): Promise<ControlReply> {
    return this.enqueue(() => this.runRequest(type, name, payload, options));
  }

  /**
   * Reset / DFU / safe mode: once the device has accepted the INIT it may reboot before the reply is
   * collected, so vanishing from USB after that point means it is doing what was asked.
   */
  async rebootRequest(type: number, name: string, payload: Uint8Array<ArrayBuffer>, options?: RequestOptions): Promise<void> {
    const accepted = { value: false };
    try {
      await this.enqueue(() => this.runRequest(type, name, payload, options ?? {}, accepted));
    } catch (error) {
      if (!(accepted.value && RescueError.is(error, 'DEVICE_GONE'))) throw error;
    }
  }

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runRequest(
    type: number,
    name: string,
    payload: Uint8Array<ArrayBuffer>,
    options: RequestOptions,
    accepted: { value: boolean } = { value: false },
  ): Promise<ControlReply> {
    await this.open();
    const budget = { left: options.timeoutMs ?? this.timeoutMs, signal: options.signal };
    let id: number | null = null;
    try {
      id = await this.init(type, name, payload.length, budget);
      accepted.value = true;
      if (payload.length > 0) await this.send(id, payload, budget.signal);
      const done = await this.pollCheck(id, name, budget);
      const result = done.result ?? 0;
      const data = done.size ? await this.recv(id, done.size, budget.signal) : new Uint8Array(0);
      id = null;
      if (result !== 0) throw resultError(name, type, result);
      return { result, data };
    } catch (error) {
      if (id !== null) await this.cancelOnDevice(id);
      throw error;
    }
  }

  private async init(type: number, name: string, size: number, budget: Budget): Promise<number> {
    if (size > 0xffff) throw new RescueError('INVALID_INPUT', `The "${name}" payload is larger than 65535 bytes.`, 'This is a bug in the app; report it.');
    for (let attempt = 0; ; attempt++) {
      const reply = await this.serviceIn(SERVICE.INIT, size, type, budget.signal);
      if (!reply) {
        throw new RescueError(
          'CONTROL_NOT_SUPPORTED',
          `The device did not accept the "${name}" control request: its Device OS is probably too old for control requests.`,
          'Use the fallback the app offers (the 14400-baud trick or the buttons).',
          { requestType: type },
        );
      }
      if (reply.status === ServiceStatus.OK || reply.status === ServiceStatus.PENDING) {
        if (reply.id === undefined) throw protocolError(name, 'INIT reply without a request id');
        if (reply.status === ServiceStatus.PENDING) await this.pollCheck(reply.id, name, budget, true);
        return reply.id;
      }
      if (reply.status === ServiceStatus.BUSY) {
        await this.backoff(attempt, name, budget);
        continue;
      }
      throw new RescueError(
        'CONTROL_REQUEST_FAILED',
        `The device could not start the "${name}" request (${statusName(reply.status)}).`,
        'Reset the device and try again.',
        { requestType: type, serviceStatus: reply.status },
      );
    }
  }

  private async send(id: number, payload: Uint8Array<ArrayBuffer>, signal?: AbortSignal): Promise<void> {
    for (let offset = 0; offset < payload.length; offset += MAX_CHUNK) {
      const chunk = payload.slice(offset, offset + MAX_CHUNK);
      const result = await this.transfer(this.usb.controlTransferOut(vendorSetup(SERVICE.SEND, 0, id), chunk), 'SEND', signal);
      if (result.status !== 'ok' || result.bytesWritten !== chunk.length) throw protocolError('SEND', `device accepted ${result.bytesWritten} of ${chunk.length} bytes (${result.status})`);
    }
  }

  /** CHECK until the device is done (or, for a PENDING INIT, until its buffer is ready). */
  private async pollCheck(id: number, name: string, budget: Budget, untilBufferReady = false): Promise<ServiceReply> {
    for (let attempt = 0; ; attempt++) {
      const reply = await this.serviceIn(SERVICE.CHECK, 0, id, budget.signal);
      if (!reply) throw protocolError(name, 'CHECK was stalled');
      if (reply.status === ServiceStatus.OK) return reply;
      if (reply.status === ServiceStatus.PENDING) {
        await this.backoff(attempt, name, budget);
        continue;
      }
      const lost = reply.status === ServiceStatus.NOT_FOUND;
      throw new RescueError(
        'CONTROL_REQUEST_FAILED',
        lost
          ? `The device dropped the "${name}" request (it was cancelled or reset while running).`
          : `The device failed the "${name}" request while ${untilBufferReady ? 'allocating its buffer' : 'running it'} (${statusName(reply.status)}).`,
        'Try again; if it keeps failing, reset the device.',
        { serviceStatus: reply.status },
      );
    }
  }

  private async recv(id: number, size: number, signal?: AbortSignal): Promise<Uint8Array> {
    const out = new Uint8Array(size);
    for (let offset = 0; offset < size; offset += MAX_CHUNK) {
      const length = Math.min(MAX_CHUNK, size - offset);
      const result = await this.transfer(this.usb.controlTransferIn(vendorSetup(SERVICE.RECV, 0, id), length), 'RECV', signal);
      const bytes = okBytes(result);
      if (!bytes || bytes.length !== length) throw protocolError('RECV', `expected ${length} bytes, got ${bytes?.length ?? result.status}`);
      out.set(bytes, offset);
    }
    return out;
  }

  private async backoff(attempt: number, name: string, budget: Budget): Promise<void> {
    const wait = CHECK_INTERVALS_MS[Math.min(attempt, CHECK_INTERVALS_MS.length - 1)];
    if (budget.left < wait) {
      throw new RescueError(
        'TIMEOUT',
        `The device did not finish the "${name}" request in time.`,
        'The device may be busy connecting; wait a moment and try again, or reset it.',
      );
    }
    budget.left -= wait;
    await this.sleep(wait, budget.signal);
    throwIfAborted(budget.signal);
  }

  /** Best effort: tell the device to forget a request we gave up on, without waiting long for it. */
  private async cancelOnDevice(id: number): Promise<void> {
    await this.serviceIn(SERVICE.RESET, 0, id).catch(() => undefined);
  }

  private async serviceIn(request: number, value: number, index: number, signal?: AbortSignal): Promise<ServiceReply | null> {
    const result = await this.transfer(this.usb.controlTransferIn(vendorSetup(request, value, index), SERVICE_REPLY_LENGTH), serviceName(request), signal);
    if (result.status === 'stall') return null;
    const bytes = okBytes(result);
    const reply = bytes ? parseServiceReply(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)) : null;
    if (!reply) throw protocolError(serviceName(request), 'unreadable service reply');
    return reply;
  }

  /** 0x50 one-shot IN request as text; null when the device stalls it (old firmware). */
  async vendorIn(index: number, options: RequestOptions = {}): Promise<string | null> {
    await this.open();
    return this.enqueue(async () => {
      const result = await this.transfer(this.usb.controlTransferIn(vendorSetup(VENDOR_REQUEST, 0, index), 64), `request 0x50/${index}`, options.signal);
      const bytes = okBytes(result);
      if (!bytes) return null;
      const text = new TextDecoder().decode(bytes).replace(/\0/g, '').trim();
      return text || null;
    });
  }

  async vendorOut(index: number, options: RequestOptions = {}): Promise<void> {
    await this.open();
    // P2-class devices never complete an OUT request without a data stage.
    const data = this.outNeedsDataStage ? new Uint8Array(1) : undefined;
    const result = await this.transfer(this.usb.controlTransferOut(vendorSetup(VENDOR_REQUEST, 0, index), data), `request 0x50/${index}`, options.signal);
    if (result.status !== 'ok') throw protocolError(`request 0x50/${index}`, `transfer ${result.status}`);
  }

  private async transfer<T>(promise: Promise<T>, what: string, signal?: AbortSignal): Promise<T> {
    try {
      return await withTransferTimeout(promise, this.transferTimeoutMs, what, signal);
    } catch (error) {
      if (error instanceof RescueError) throw error;
      throw transferError(error, what);
    }
  }
}

interface Budget {
  left: number;
  signal?: AbortSignal;
}

function vendorSetup(request: number, value: number, index: number): UsbControlSetup {
  return { requestType: 'vendor', recipient: 'device', request, value, index };
}

function okBytes(result: UsbInResult): Uint8Array | null {
  if (result.status !== 'ok' || !result.data) return null;
  return new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength);
}

function serviceName(request: number): string {
  return Object.entries(SERVICE).find(([, v]) => v === request)?.[0] ?? `request ${request}`;
}

function statusName(status: number): string {
  return Object.entries(ServiceStatus).find(([, v]) => v === status)?.[0] ?? `status ${status}`;
}

function protocolError(what: string, detail: string): RescueError {
  return new RescueError(
    'CONTROL_REQUEST_FAILED',
    `The device answered ${what} in an unexpected way: ${detail}.`,
    'Unplug and replug the device, then try again.',
  );
}

export function transferError(error: unknown, what: string): RescueError {
  const kind = classifyTransferError(error);
  if (kind === 'gone') {
    return new RescueError(
      'DEVICE_GONE',
      `The device disappeared from USB during ${what}. Nothing was written; it is probably rebooting or was unplugged.`,
      'Check the cable, wait for the device to show up again, then retry.',
    );
  }
  if (kind === 'access') {
    return new RescueError('USB_PERMISSION_DENIED', `No permission to talk to the device (${describeError(error)}).`, 'Install the Particle udev rules, then unplug and replug the device.');
  }
  return new RescueError('CONTROL_REQUEST_FAILED', `USB ${what} failed: ${describeError(error)}.`, 'Unplug and replug the device, then try again.');
}
