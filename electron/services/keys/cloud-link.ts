import type { AttachedDevice } from '../usb/attached-device';
import { ControlClient, type CloudStatus } from '../control/control-client';

/** Asks a device in normal mode how its cloud connection is doing (control request 300). */
export type CloudLink = (device: AttachedDevice, signal: AbortSignal) => Promise<CloudStatus>;

/** One control client per USB handle: the client serialises requests and keeps the service open. */
export function controlCloudLink(timeoutMs = 5_000): CloudLink {
  const clients = new WeakMap<object, ControlClient>();
  return async (device, signal) => {
    let client = clients.get(device.usb);
    if (!client) {
      client = new ControlClient(device.usb, { platformId: device.platformId, timeoutMs });
      clients.set(device.usb, client);
    }
    return client.cloudStatus({ signal, timeoutMs });
  };
}
