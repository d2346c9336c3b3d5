import { describe, expect, it } from 'vitest';
import type { UsbControlSetup } from '../../services/usb/webusb';
import { ControlServer, type RequestProcessor } from './control-server';
import { RESULT, SERVICE_STATUS, decodeServiceReply, encodeServiceReply } from './service-reply';

const vin = (request: number, value: number, index: number): UsbControlSetup => ({ requestType: 'vendor', recipient: 'device', request, value, index });

function processor(overrides: Partial<RequestProcessor> = {}): RequestProcessor {
  return {
    serviceRequestsSupported: () => true,
    onInit: () => undefined,
    process: async (type, payload) => (type === 1 ? { result: RESULT.OK, data: payload } : { result: RESULT.NOT_SUPPORTED }),
    vendorIn: () => undefined,
    vendorOut: () => false,
    ...overrides,
  };
}

async function reply(server: ControlServer, request: number, value: number, index: number, length = 64) {
  const r = await server.in(vin(request, value, index), length);
  if (r === 'stall') return 'stall' as const;
  return decodeServiceReply(r);
}

async function checkUntilDone(server: ControlServer, id: number) {
  for (let i = 0; i < 50; i++) {
    const r = await reply(server, 2, 0, id);
    if (r !== 'stall' && r.status !== SERVICE_STATUS.PENDING) return r;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('request never finished');
}

describe('service reply framing', () => {
  it('encodes flags, status, id, size, signed result in order, little-endian', () => {
    const bytes = encodeServiceReply({ status: 0, id: 0x1234, size: 5, result: -120 });
    expect(Array.from(bytes)).toEqual([0x0f, 0, 0, 0, 0, 0, 0x34, 0x12, 5, 0, 0, 0, 0x88, 0xff, 0xff, 0xff]);
    expect(decodeServiceReply(bytes)).toEqual({ status: 0, id: 0x1234, size: 5, result: -120 });
    expect(Array.from(encodeServiceReply({ status: 3 }))).toEqual([1, 0, 0, 0, 3, 0]);
  });
});

describe('control-request channel', () => {
  it('INIT/CHECK/RESET with wLength < 64 are stalled', async () => {
    const server = new ControlServer(processor());
    expect(await server.in(vin(1, 0, 20), 63)).toBe('stall');
    expect(await server.in(vin(2, 0, 1), 8)).toBe('stall');
    expect(await server.in(vin(5, 0, 0), 10)).toBe('stall');
  });

  it('runs ECHO through INIT → SEND → CHECK → RECV and frees the request', async () => {
    const server = new ControlServer(processor());
    const init = await reply(server, 1, 5, 1);
    expect(init).toMatchObject({ status: SERVICE_STATUS.OK, id: 1 });
    expect(await server.out(vin(3, 0, 1), Uint8Array.of(1, 2))).toBe('ok');
    expect(await reply(server, 2, 0, 1)).toMatchObject({ status: SERVICE_STATUS.PENDING });
    expect(await server.out(vin(3, 0, 1), Uint8Array.of(3, 4, 5))).toBe('ok');
    const done = await checkUntilDone(server, 1);
    expect(done).toMatchObject({ status: SERVICE_STATUS.OK, result: 0, size: 5 });
    expect(await server.in(vin(4, 0, 1), 3)).toEqual(Uint8Array.of(1, 2, 3));
    expect(await server.in(vin(4, 0, 1), 3)).toBe('stall');
    expect(await server.in(vin(4, 0, 1), 2)).toEqual(Uint8Array.of(4, 5));
    expect(server.activeCount).toBe(0);
    expect(await reply(server, 2, 0, 1)).toMatchObject({ status: SERVICE_STATUS.NOT_FOUND });
  });

  it('SEND past the declared payload size is stalled', async () => {
    const server = new ControlServer(processor());
    await reply(server, 1, 2, 1);
    expect(await server.out(vin(3, 0, 1), Uint8Array.of(1, 2, 3))).toBe('stall');
  });

  it('payloads over 64 bytes are allocated asynchronously: INIT answers PENDING, CHECK then OK', async () => {
    const server = new ControlServer(processor());
    const init = await reply(server, 1, 65, 1);
    expect(init).toMatchObject({ status: SERVICE_STATUS.PENDING });
    const id = (init as { id: number }).id;
    expect(await reply(server, 2, 0, id)).toMatchObject({ status: SERVICE_STATUS.OK });
    expect(await server.out(vin(3, 0, id), new Uint8Array(65))).toBe('ok');
    expect(await checkUntilDone(server, id)).toMatchObject({ size: 65, result: 0 });
  });

  it('at most 4 active requests: the 5th INIT gets BUSY; RESET 0 cancels all', async () => {
    const server = new ControlServer(processor());
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await reply(server, 1, 10, 1);
      ids.push((r as { id: number }).id);
    }
    expect(new Set(ids).size).toBe(4);
    expect(await reply(server, 1, 10, 1)).toEqual({ status: SERVICE_STATUS.BUSY });
    expect(await reply(server, 5, 0, 0)).toEqual({ status: SERVICE_STATUS.OK });
    expect(server.activeCount).toBe(0);
    expect(await reply(server, 2, 0, ids[0])).toMatchObject({ status: SERVICE_STATUS.NOT_FOUND });
  });

  it('an unknown type finishes with NOT_SUPPORTED and no data; the request is freed after that CHECK', async () => {
    const server = new ControlServer(processor());
    const { id } = (await reply(server, 1, 0, 999)) as { id: number };
    const done = await checkUntilDone(server, id);
    expect(done).toEqual({ status: SERVICE_STATUS.OK, id, result: RESULT.NOT_SUPPORTED });
    expect(server.activeCount).toBe(0);
  });

  it('a reset request is cancelled: its late result is dropped', async () => {
    let finish: (v: { result: number }) => void = () => undefined;
    const server = new ControlServer(processor({ process: () => new Promise((r) => (finish = r)) }));
    const { id } = (await reply(server, 1, 0, 40)) as { id: number };
    expect(await reply(server, 5, 0, id)).toMatchObject({ status: SERVICE_STATUS.OK, id });
    await new Promise((r) => setImmediate(r));
    finish({ result: 0 });
    expect(await reply(server, 2, 0, id)).toMatchObject({ status: SERVICE_STATUS.NOT_FOUND });
  });

  it('requests other than vendor/device, and all service requests on firmware without the channel, are stalled', async () => {
    const server = new ControlServer(processor({ serviceRequestsSupported: () => false }));
    expect(await server.in(vin(1, 0, 20), 64)).toBe('stall');
    expect(await server.in({ ...vin(1, 0, 20), requestType: 'class' }, 64)).toBe('stall');
  });
});
