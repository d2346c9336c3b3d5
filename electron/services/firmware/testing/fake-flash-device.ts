import { RescueError } from '../../../../shared/errors';
import type { DeviceModuleInfo } from '../../control/module-info';
import type { OperationContext } from '../../operations/operation-runner';
import type { AttachedDevice } from '../../usb/attached-device';
import type { FirmwareDevices, FirmwareDfu, FlashSession } from '../firmware-ports';
import { slotsFor } from '../flash-slots';
import { parseModule } from '../module-parser';

/** Test-only: a Photon's internal flash behind the FlashSession interface, with disconnects on demand. */
export type FakeOp = 'read' | 'write' | 'verify' | 'leave' | 'open' | 'modules';

const BASE = 0x08000000;
const SIZE = 0x100000;
const SECTORS = [0x4000, 0x4000, 0x4000, 0x4000, 0x10000, ...Array<number>(7).fill(0x20000)];

export class FakePhoton {
  readonly flash = new Uint8Array(SIZE).fill(0xff);
  usbMode: 'normal' | 'dfu' = 'normal';
  readonly calls: FakeOp[] = [];
  /** Disconnect on the n-th call of this op (1-based), halfway through its data. */
  disconnect: { op: FakeOp; nth: number } | null = null;
  constructor(readonly deviceId = '0123456789abcdef01234567') {}

  put(address: number, data: Uint8Array): void {
    this.flash.set(data, address - BASE);
  }

  get(address: number, length: number): Uint8Array {
    return this.flash.slice(address - BASE, address - BASE + length);
  }

  private hit(op: FakeOp): boolean {
    this.calls.push(op);
    const count = this.calls.filter((c) => c === op).length;
    if (this.disconnect && this.disconnect.op === op && this.disconnect.nth === count) {
      this.disconnect = null;
      return true;
    }
    return false;
  }

  private gone(): RescueError {
    this.usbMode = this.modules().filter((m) => m.function === 'systemPart' && m.valid).length === 2 ? 'normal' : 'dfu';
    return new RescueError('DEVICE_GONE', 'The device disconnected.', 'Plug it back in.');
  }

  session(): FlashSession {
    const erase = (from: number, to: number) => {
      let start = BASE;
      for (const size of SECTORS) {
        if (start < to && from < start + size) this.flash.fill(0xff, start - BASE, start - BASE + size);
        start += size;
      }
    };
    return {
      read: async (_alt, address, length, onProgress) => {
        if (this.hit('read')) throw this.gone();
        onProgress?.({ bytesDone: length, bytesTotal: length });
        return this.get(address, length);
      },
      write: async (_alt, address, data, options) => {
        if (address < 0x08020000) throw new RescueError('REGION_NOT_WRITABLE', 'protected', 'none');
        const cut = this.hit('write');
        if (options.erase) erase(address, address + data.length);
        if (cut) {
          this.put(address, data.subarray(0, data.length >> 1));
          throw this.gone();
        }
        this.put(address, data);
        options.onProgress?.({ bytesDone: data.length, bytesTotal: data.length });
      },
      verify: async (_alt, address, data, onProgress) => {
        if (this.hit('verify')) throw this.gone();
        onProgress?.({ bytesDone: data.length, bytesTotal: data.length });
        const actual = this.get(address, data.length);
        if (!actual.every((b, i) => b === data[i])) throw new RescueError('VERIFY_MISMATCH', 'differs', 'again');
      },
      leave: async () => {
        if (this.hit('leave')) throw this.gone();
        this.usbMode = this.modules().filter((m) => m.function === 'systemPart' && m.valid).length === 2 ? 'normal' : 'dfu';
      },
      close: async () => undefined,
    };
  }

  /** What the device would report for control request 90: modules found in their slots. */
  modules(): DeviceModuleInfo[] {
    const out: DeviceModuleInfo[] = [];
    for (const slot of slotsFor(6) ?? []) {
      try {
        const m = parseModule('flash', this.flash.subarray(slot.startMin - BASE, slot.end - BASE));
        if (m.info.startAddress !== slot.startMin) continue;
        out.push({ function: m.info.function, index: m.info.index, version: m.info.version, size: m.info.size, failedChecks: m.info.crcOk ? 0 : 2, valid: m.info.crcOk, store: 'main', dependencies: m.info.dependencies });
      } catch {
        // an empty or damaged slot reports nothing
      }
    }
    return out;
  }

  attached(): AttachedDevice {
    return { deviceId: this.deviceId, platformId: 6, usbMode: this.usbMode, usb: {} as AttachedDevice['usb'], virtual: true, scenario: null };
  }

  ports(): { dfu: FirmwareDfu; devices: FirmwareDevices } {
    return {
      dfu: {
        openSession: async (_id: string, _ctx: OperationContext) => {
          if (this.hit('open')) throw this.gone();
          this.usbMode = 'dfu';
          return this.session();
        },
      },
      devices: {
        find: async () => this.attached(),
        waitFor: async (_id, usbMode) => {
          if (usbMode !== this.usbMode) throw new RescueError('TIMEOUT', `still in ${this.usbMode}`, 'wait');
          return this.attached();
        },
        control: () => ({
          moduleInfo: async () => {
            if (this.hit('modules')) throw this.gone();
            if (this.usbMode !== 'normal') throw new RescueError('WRONG_MODE', 'in DFU', 'leave DFU');
            return this.modules();
          },
        }),
      },
    };
  }
}
