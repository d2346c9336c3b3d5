import type { OperationContext } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';
import type { Sleep } from '../usb/sleep';
import type { CloudStatus } from '../control/control-client';
import { RescueError } from '../../../shared/errors';
import { findIfAttached } from './dfu-access';
import type { KeyCloudPort, KeyDevicesPort } from './ports';

export interface CloudWatch {
  devices: KeyDevicesPort;
  cloud: KeyCloudPort;
  sleep: Sleep;
  now: () => number;
  timing: { probeMs: number; verifyMs: number; pollMs: number };
}

/** Why a device stayed offline, from what was measured (never a guess at the network by default). */
export type OfflineReason = 'cloud-refused-key' | 'cloud-unreachable' | 'no-network' | 'unknown';

export interface CloudOutcome {
  connected: boolean;
  /** null when connected. */
  reason: OfflineReason | null;
  /** The cloud API answered an authorised request during the watch (the user is signed in and it is up). */
  cloudAnswered: boolean;
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
export async function probeCloud(w: CloudWatch, device: AttachedDevice, ctx: OperationContext, windowMs = w.timing.probeMs): Promise<boolean | null> {
  if (device.usbMode !== 'normal') return null;
  ctx.progress({ phase: 'probe-cloud', message: 'Checking whether the device reaches the cloud…' });
  const deadline = w.now() + windowMs;
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

/**
 * After a repair: wait (bounded) until the device or the cloud says it is connected; otherwise say
 * why not from what was seen: the device kept trying while the cloud API answered (the cloud refused
 * its key), the cloud API could not be reached, or the device never got onto its network.
 */
export async function waitForCloud(w: CloudWatch, deviceId: string, ctx: OperationContext): Promise<CloudOutcome> {
  ctx.progress({ phase: 'verify-cloud', message: 'Waiting for the device to connect to the cloud (breathing cyan)…' });
  const deadline = w.now() + w.timing.verifyMs;
  let lastStatus: CloudStatus | null = null;
  let cloudAnswered = false;
  let cloudUnreachable = false;
  for (;;) {
    ctx.throwIfCancelled();
    const device = await findIfAttached(w.devices, deviceId);
    const status = device?.usbMode === 'normal' ? await cloudStatusOf(w.devices, device, ctx.signal) : null;
    if (status === 'connected') return { connected: true, reason: null, cloudAnswered };
    if (status !== null) lastStatus = status;
    const online = await w.cloud.deviceStatus(deviceId).then(
      (s) => {
        cloudAnswered = true;
        cloudUnreachable = false;
        return s.online;
      },
      (error: unknown) => {
        cloudUnreachable = RescueError.is(error, 'CLOUD_UNREACHABLE');
        return false;
      },
    );
    if (online) return { connected: true, reason: null, cloudAnswered };
    if (w.now() >= deadline) return { connected: false, reason: offlineReason(lastStatus, cloudUnreachable), cloudAnswered };
    await w.sleep(w.timing.pollMs, ctx.signal);
  }
}

function offlineReason(lastStatus: CloudStatus | null, cloudUnreachable: boolean): OfflineReason {
  if (lastStatus === 'connecting' || lastStatus === 'disconnecting') return cloudUnreachable ? 'cloud-unreachable' : 'cloud-refused-key';
  if (lastStatus === 'disconnected') return 'no-network';
  return cloudUnreachable ? 'cloud-unreachable' : 'unknown';
}

/** The sentence a result or report gives for a device that stayed offline. */
export function offlineMessage(reason: OfflineReason, windowMs: number): string {
  const seconds = Math.round(windowMs / 1000);
  switch (reason) {
    case 'cloud-refused-key':
      return `The device kept trying to reach the cloud for ${seconds} s and was not let in: the cloud refused its key (it holds a different public key for this device). This is not a network problem.`;
    case 'cloud-unreachable':
      return `The cloud server could not be reached during the ${seconds} s watch, so the connection could not be confirmed: check this computer's internet connection and the cloud's status, then run the repair again.`;
    case 'no-network':
      return `The device did not get onto its network within ${seconds} s: check its Wi-Fi credentials (or SIM and antenna) and watch the LED.`;
    case 'unknown':
      return `The device did not reach the cloud within ${seconds} s and did not say why over USB: watch its LED and pick what you see.`;
  }
}
