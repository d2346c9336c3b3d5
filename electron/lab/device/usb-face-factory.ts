import type { BootRequest } from '../boot/boot-decision';
import { ControlServer } from '../control/control-server';
import { type ControlTarget, DeviceRequests } from '../control/device-requests';
import { dfuControlHandler } from '../dfu/dfu-handler';
import { DfuseStateMachine } from '../dfu/dfuse-state-machine';
import { dfuFace, normalFace } from '../usb/faces';
import { type TransferGate, VirtualUsbDevice } from '../usb/virtual-usb-device';
import { type DeviceParts, knowsDeviceProtection } from './device-parts';

export interface FaceDeps extends DeviceParts {
  control: ControlTarget;
  gate: TransferGate;
  /** The bootloader resets: leave (null), DfuSe 0xFA (safe), DETACH (back into DFU). */
  reboot(request: BootRequest): void;
  /** Fault injection: the bytes the flash stores for a DFU data block. */
  programmedBytes?(alt: number, data: Uint8Array): Uint8Array;
  /** Strict DFU poll timing (fault 'strict-poll'). */
  strictPoll?(): boolean;
}

/** A fresh USB face for one enumeration: the DFU bootloader, or Device OS with its control channel. */
export function createUsbFace(mode: 'dfu' | 'normal', d: FaceDeps): { usb: VirtualUsbDevice; dfu: DfuseStateMachine | null } {
  if (mode === 'normal') {
    return { usb: new VirtualUsbDevice(normalFace(d.platform, d.deviceId), new ControlServer(new DeviceRequests(d.control)), d.gate), dfu: null };
  }
  const dfu = new DfuseStateMachine({
    platform: d.platform,
    memories: d.hw.dfuMemories(d.image.deviceProtection, d.seed),
    timing: d.timing,
    sleep: d.sleep,
    onLeave: () => d.reboot(null),
    onSafeMode: () => d.reboot('safe'),
    onDetach: () => d.reboot('dfu'),
    programmedBytes: d.programmedBytes,
    strictPoll: d.strictPoll,
  });
  const protectionMode = knowsDeviceProtection(d.platform, d.image) ? (d.image.deviceProtection ? 'p' : 'o') : null;
  const face = dfuFace(d.platform, d.deviceId, dfu.memories.map((m) => m.layoutString), protectionMode);
  return { usb: new VirtualUsbDevice(face, dfuControlHandler(dfu), d.gate), dfu };
}
