import type { UsbControlSetup } from '../../services/usb/webusb';
import type { ControlHandler } from '../usb/virtual-usb-device';
import { RESULT, SERVICE, SERVICE_STATUS, encodeServiceReply } from './service-reply';

/** Runs one typed request (payload → result + reply data); the lab's Device OS model implements it. */
export interface RequestProcessor {
  /** Service requests exist at all (Device OS ≥ 0.6.0 in this model). */
  serviceRequestsSupported(): boolean;
  /** Called on INIT, before the payload arrives: 40/41/50/60/70 cancel connection attempts. */
  onInit(type: number): void;
  /** `afterReply` runs once the host has fetched the result (the request is freed or reset). */
  process(type: number, payload: Uint8Array): Promise<{ result: number; data?: Uint8Array; afterReply?: () => void }>;
  /** Simple 0x50 requests (§6); undefined = stall. */
  vendorIn(index: number, length: number): Uint8Array | undefined;
  vendorOut(index: number): boolean;
}

type Stage = 'allocating' | 'receiving' | 'processing' | 'done' | 'cancelled';

interface ActiveRequest {
  id: number;
  type: number;
  stage: Stage;
  payload: Uint8Array;
  received: number;
  result: number;
  reply: Uint8Array;
  sent: number;
  afterReply?: () => void;
}

export const MAX_ACTIVE_REQUESTS = 4;
const MIN_SERVICE_LENGTH = 64;
const POOL_PAYLOAD_SIZE = 64;
const VENDOR_REQUEST = 0x50;

/**
 * The Device OS USB control-request channel (usb-control-protocol.md §3–§6): INIT/SEND/CHECK/RECV/RESET
 * over vendor requests 1..5, at most 4 active requests, 16-bit ids assigned by the device, wLength ≥ 64
 * for INIT/CHECK/RESET, payloads over 64 bytes allocated asynchronously (INIT answers PENDING).
 */
export class ControlServer implements ControlHandler {
  private readonly requests = new Map<number, ActiveRequest>();
  private lastId = 0;

  constructor(private readonly processor: RequestProcessor) {}

  get activeCount(): number {
    return this.requests.size;
  }

  async in(setup: UsbControlSetup, length: number): Promise<Uint8Array | 'stall'> {
    if (setup.requestType !== 'vendor' || setup.recipient !== 'device') return 'stall';
    if (setup.request === VENDOR_REQUEST) return this.processor.vendorIn(setup.index, length) ?? 'stall';
    if (!this.processor.serviceRequestsSupported()) return 'stall';
    switch (setup.request) {
      case SERVICE.INIT:
        return length < MIN_SERVICE_LENGTH ? 'stall' : this.init(setup.index, setup.value);
      case SERVICE.CHECK:
        return length < MIN_SERVICE_LENGTH ? 'stall' : this.check(setup.index);
      case SERVICE.RECV:
        return this.recv(setup.index, length);
      case SERVICE.RESET:
        return length < MIN_SERVICE_LENGTH ? 'stall' : this.reset(setup.index);
      default:
        return 'stall';
    }
  }

  async out(setup: UsbControlSetup, data: Uint8Array): Promise<'ok' | 'stall'> {
    if (setup.requestType !== 'vendor' || setup.recipient !== 'device') return 'stall';
    if (setup.request === VENDOR_REQUEST) return this.processor.vendorOut(setup.index) ? 'ok' : 'stall';
    if (!this.processor.serviceRequestsSupported() || setup.request !== SERVICE.SEND) return 'stall';
    return this.send(setup.index, data);
  }

  private nextId(): number {
    do {
      this.lastId = (this.lastId + 1) & 0xffff;
    } while (this.lastId === 0 || this.requests.has(this.lastId));
    return this.lastId;
  }

  private init(type: number, payloadSize: number): Uint8Array {
    if (this.requests.size >= MAX_ACTIVE_REQUESTS) return encodeServiceReply({ status: SERVICE_STATUS.BUSY });
    const id = this.nextId();
    const request: ActiveRequest = { id, type, stage: 'receiving', payload: new Uint8Array(payloadSize), received: 0, result: 0, reply: new Uint8Array(0), sent: 0 };
    this.requests.set(id, request);
    this.processor.onInit(type);
    if (payloadSize === 0) {
      this.start(request);
      return encodeServiceReply({ status: SERVICE_STATUS.OK, id });
    }
    if (payloadSize > POOL_PAYLOAD_SIZE) {
      request.stage = 'allocating';
      return encodeServiceReply({ status: SERVICE_STATUS.PENDING, id });
    }
    return encodeServiceReply({ status: SERVICE_STATUS.OK, id });
  }

  private start(request: ActiveRequest): void {
    request.stage = 'processing';
    // The handler runs in the system thread, after the USB interrupt that delivered the request.
    void new Promise((resolve) => setImmediate(resolve))
      .then(() => this.processor.process(request.type, request.payload))
      .then(
        ({ result, data, afterReply }) => ({ result, data: data ?? new Uint8Array(0), afterReply }),
        () => ({ result: RESULT.ERROR as number, data: new Uint8Array(0), afterReply: undefined }),
      )
      .then(({ result, data, afterReply }) => {
        if (request.stage !== 'processing') return;
        request.result = result;
        request.reply = data;
        request.afterReply = afterReply;
        request.stage = 'done';
      });
  }

  /** The request is over for the host: free it, then let the device act (reset, DFU, safe mode). */
  private free(request: ActiveRequest): void {
    this.requests.delete(request.id);
    const after = request.afterReply;
    request.afterReply = undefined;
    after?.();
  }

  private check(id: number): Uint8Array {
    const request = this.requests.get(id);
    if (!request) return encodeServiceReply({ status: SERVICE_STATUS.NOT_FOUND });
    switch (request.stage) {
      case 'allocating':
        request.stage = 'receiving';
        return encodeServiceReply({ status: SERVICE_STATUS.OK, id });
      case 'receiving':
      case 'processing':
        return encodeServiceReply({ status: SERVICE_STATUS.PENDING, id });
      default: {
        const size = request.reply.length;
        if (size === 0) this.free(request);
        return encodeServiceReply({ status: SERVICE_STATUS.OK, id, result: request.result, ...(size > 0 ? { size } : {}) });
      }
    }
  }

  private send(id: number, data: Uint8Array): 'ok' | 'stall' {
    const request = this.requests.get(id);
    if (!request || request.stage !== 'receiving') return 'stall';
    if (request.received + data.length > request.payload.length) return 'stall';
    request.payload.set(data, request.received);
    request.received += data.length;
    if (request.received === request.payload.length) this.start(request);
    return 'ok';
  }

  private recv(id: number, length: number): Uint8Array | 'stall' {
    const request = this.requests.get(id);
    if (!request || request.stage !== 'done' || length === 0) return 'stall';
    if (request.sent + length > request.reply.length) return 'stall';
    const chunk = request.reply.slice(request.sent, request.sent + length);
    request.sent += length;
    if (request.sent === request.reply.length) this.free(request);
    return chunk;
  }

  private reset(id: number): Uint8Array {
    if (id === 0) {
      for (const request of [...this.requests.values()]) {
        request.stage = 'cancelled';
        this.free(request);
      }
      return encodeServiceReply({ status: SERVICE_STATUS.OK });
    }
    const request = this.requests.get(id);
    if (!request) return encodeServiceReply({ status: SERVICE_STATUS.NOT_FOUND });
    request.stage = 'cancelled';
    this.free(request);
    return encodeServiceReply({ status: SERVICE_STATUS.OK, id });
  }
}
