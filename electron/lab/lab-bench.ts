import { DeviceLab } from './device-lab';
import type { VirtualCloudLike } from './cloud-link';
import { command, controlRequest, dnloadAndWait, openDfu, until, abort } from './test-support/raw-usb';
import { SeededRandom } from './util/prng';
import type { TimingName } from './util/timing';

export interface LabTimings {
  scenario: string;
  timing: TimingName;
  /** Attach → LED settled (connected, bursting or listening). */
  bootMs: number;
  /** Control request 50 → DFU face enumerated. */
  enterDfuMs: number;
  /** Erase + program `writeBytes` into the user-part sector over raw DfuSe transfers. */
  writeMs: number;
  writeBytes: number;
  /** Zero-length DNLOAD → normal face enumerated again. */
  leaveMs: number;
  transfers: number;
}

const SETTLED = (led: string) => !['blinking-green', 'blinking-cyan', 'off'].includes(led);

/**
 * One rescue-shaped round trip on a virtual device, for `npm run bench`: how long the lab makes a
 * host wait under the realistic profile, and that the fast profile removes those waits.
 */
export async function measureLabRoundTrip(opts: { scenario?: string; timing: TimingName; cloud?: VirtualCloudLike; writeBytes?: number }): Promise<LabTimings> {
  const scenario = opts.scenario ?? 'photon-healthy';
  const writeBytes = opts.writeBytes ?? 64 * 1024;
  const lab = new DeviceLab({ timing: opts.timing, cloud: opts.cloud });
  try {
    let t = performance.now();
    const device = await lab.attach(scenario);
    await until(() => SETTLED(device.led().patternId), 'boot', 60_000);
    const bootMs = performance.now() - t;

    t = performance.now();
    await device.usb!.open();
    await controlRequest(device.usb!, 50);
    await until(() => device.mode === 'dfu' && device.usb !== null, 'DFU mode', 60_000);
    const enterDfuMs = performance.now() - t;

    t = performance.now();
    const usb = device.usb!;
    await openDfu(usb, 0);
    const slot = device.platform.slots.find((s) => s.function === 'userPart')!;
    const address = slot.growsLeftFrom ? slot.growsLeftFrom - writeBytes : slot.address;
    await dnloadAndWait(usb, 0, command(0x41, address));
    const data = new SeededRandom(1).bytes(writeBytes);
    for (let offset = 0; offset < data.length; offset += 4096) {
      await dnloadAndWait(usb, 0, command(0x21, address + offset));
      await dnloadAndWait(usb, 2, data.subarray(offset, offset + 4096));
    }
    await abort(usb);
    const writeMs = performance.now() - t;

    t = performance.now();
    await usb.controlTransferOut({ requestType: 'class', recipient: 'interface', request: 1, value: 2, index: 0 }, new Uint8Array(0));
    await usb.controlTransferIn({ requestType: 'class', recipient: 'interface', request: 3, value: 0, index: 0 }, 6);
    await until(() => device.usb !== null && device.mode !== 'dfu', 'normal mode', 60_000);
    const leaveMs = performance.now() - t;
    return { scenario, timing: opts.timing, bootMs, enterDfuMs, writeMs, writeBytes, leaveMs, transfers: device.faults.transferCount };
  } finally {
    await lab.close();
  }
}
