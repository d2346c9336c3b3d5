import type { OperationContext } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';
import type { Sleep } from '../usb/sleep';
import type { CloudStatus } from '../control/control-client';
import { findIfAttached } from './dfu-access';
import type { KeyCloudPort, KeyDevicesPort } from './ports';

export interface CloudWatch {
  devices: KeyDevicesPort;
  cloud: KeyCloudPort;
  sleep: Sleep;
  now: () => number;
  timing: { probeMs: number; verifyMs: number; pollMs: number };
}

/** null when the device cannot say (old Device OS, busy, gone): absence of evidence, not a failure. */
function cloudStatusOf(devices: KeyDevicesPort, device: AttachedDevice, signal: AbortSignal): Promise<CloudStatus | null> {
  return devices.control(device).cloudStatus({ signal, timeoutMs: 5_000 }).catch(() => null);
}

/**
 * Before DFU: is the device getting onto the cloud? true = connected; false = it kept trying
 * (status "connecting") for the whole window, which with a valid key means the cloud refuses it;
 * null = cannot tell (in DFU, no network, old Device OS).
 */
export async function probeCloud(w: CloudWatch, device: AttachedDevice, ctx: OperationContext): Promise<boolean | null> {
  if (device.usbMode !== 'normal') return null;
  ctx.progress({ phase: 'probe-cloud', message: 'Checking whether the device reaches the cloud…' });
  const deadline = w.now() + w.timing.probeMs;
  let trying = false;
  for (;;) {
    const status = await cloudStatusOf(w.devices, device, ctx.signal);
    if (status === 'connected') return true;
    // No answer at all (old Device OS): no evidence either way.
    if (status === null) return null;
    // Still joining the network, or in listening mode: keep watching, it says nothing about the key.
    if (status === 'connecting') trying = true;
    if (w.now() >= deadline) return trying ? false : null;
    await w.sleep(w.timing.pollMs, ctx.signal);
  }
}

/** After a repair: wait (bounded) until the device or the cloud says it is connected. */
export async function waitForCloud(w: CloudWatch, deviceId: string, ctx: OperationContext): Promise<boolean> {
  ctx.progress({ phase: 'verify-cloud', message: 'Waiting for the device to connect to the cloud (breathing cyan)…' });
  const deadline = w.now() + w.timing.verifyMs;
  for (;;) {
    ctx.throwIfCancelled();
    const device = await findIfAttached(w.devices, deviceId);
    if (device?.usbMode === 'normal' && (await cloudStatusOf(w.devices, device, ctx.signal)) === 'connected') return true;
    const status = await w.cloud.deviceStatus(deviceId).catch(() => null);
    if (status?.online) return true;
    if (w.now() >= deadline) return false;
    await w.sleep(w.timing.pollMs, ctx.signal);
  }
}
