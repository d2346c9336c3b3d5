import { RescueError } from '../../../shared/errors';
import type { UsbControlSetup, UsbDeviceLike } from '../usb/webusb';
import { withTransferTimeout } from '../usb/transfer-timeout';
import { classifyTransferError, describeError } from '../usb/usb-errors';
import { DfuRequest, type DfuStatus } from './dfu-constants';

const REQUEST_NAMES = Object.fromEntries(Object.entries(DfuRequest).map(([k, v]) => [v, k])) as Record<number, string>;

/**
 * The DFU class requests on interface 0, one transfer each. A stall becomes DFU_STALL, a vanished
 * device DEVICE_GONE; the session decides what to retry and how to word it.
 */
export class DfuProtocol {
  transferCount = 0;

  constructor(
    private readonly usb: UsbDeviceLike,
    /** Generous: Gen 2 runs the erase/write inside the interrupt after the GETSTATUS reply. */
    private readonly transferTimeoutMs = 5_000,
  ) {}

  async getStatus(signal?: AbortSignal): Promise<DfuStatus> {
    const bytes = await this.in(DfuRequest.GETSTATUS, 0, 6, signal);
    if (bytes.length < 6) throw new RescueError('DFU_PROTOCOL', `GETSTATUS returned ${bytes.length} bytes instead of 6.`, 'Unplug and replug the device, then try again.');
    return { status: bytes[0], pollTimeoutMs: bytes[1] | (bytes[2] << 8) | (bytes[3] << 16), state: bytes[4], iString: bytes[5] };
  }

  async clearStatus(signal?: AbortSignal): Promise<void> {
    await this.out(DfuRequest.CLRSTATUS, 0, undefined, signal);
  }

  async abort(signal?: AbortSignal): Promise<void> {
    await this.out(DfuRequest.ABORT, 0, undefined, signal);
  }

  async dnload(block: number, data: Uint8Array<ArrayBuffer>, signal?: AbortSignal): Promise<void> {
    const written = await this.out(DfuRequest.DNLOAD, block, data, signal);
    if (written !== data.length) {
      throw new RescueError('DFU_PROTOCOL', `The device accepted ${written} of ${data.length} bytes.`, 'Try again; if it repeats, unplug and replug the device.');
    }
  }

  upload(block: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.in(DfuRequest.UPLOAD, block, length, signal);
  }

  private async in(request: number, value: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const result = await this.transfer(request, () => this.usb.controlTransferIn(setup(request, value), length), signal);
    if (result.status !== 'ok') throw stallError(request);
    const data = result.data;
    return data ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(0);
  }

  private async out(request: number, value: number, data: Uint8Array<ArrayBuffer> | undefined, signal?: AbortSignal): Promise<number> {
    const result = await this.transfer(request, () => this.usb.controlTransferOut(setup(request, value), data), signal);
    if (result.status !== 'ok') throw stallError(request);
    return result.bytesWritten;
  }

  private async transfer<T>(request: number, start: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.transferCount++;
    const name = REQUEST_NAMES[request];
    try {
      return await withTransferTimeout(start(), this.transferTimeoutMs, `DFU ${name}`, signal);
    } catch (error) {
      if (error instanceof RescueError) throw error;
      if (classifyTransferError(error) === 'gone') {
        throw new RescueError('DEVICE_GONE', `The device disappeared from USB during DFU ${name}.`, 'Check the cable and plug the device back in.');
      }
      throw new RescueError('DFU_PROTOCOL', `DFU ${name} failed: ${describeError(error)}.`, 'Unplug and replug the device, then try again.');
    }
  }
}

function setup(request: number, value: number): UsbControlSetup {
  return { requestType: 'class', recipient: 'interface', request, value, index: 0 };
}

function stallError(request: number): RescueError {
  return new RescueError(
    'DFU_STALL',
    `The device refused DFU ${REQUEST_NAMES[request]} (stall).`,
    'The app retries this by itself; if it keeps failing, unplug and replug the device and try again.',
    { request: REQUEST_NAMES[request] },
  );
}
