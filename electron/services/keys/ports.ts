import type { CloudProfile } from '../../../shared/contract/cloud';
import type { OperationContext } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';
import type { CloudStatus } from '../control/control-client';

/** What the key service needs of an open DFU session (DfuSession satisfies it). */
export interface KeyDfuSession {
  readonly isProtected: boolean;
  read(alt: number, address: number, length: number, onProgress?: undefined, signal?: AbortSignal): Promise<Uint8Array>;
  write(alt: number, address: number, data: Uint8Array, options: { erase: boolean; signal?: AbortSignal }): Promise<void>;
  leave(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface KeyDfuPort {
  /** Switches a device in normal/listening mode to DFU and returns once it is there. */
  enterDfu(deviceId: string, ctx: OperationContext, options?: { timeoutMs?: number }): Promise<unknown>;
  openSession(deviceId: string, ctx: OperationContext): Promise<KeyDfuSession>;
}

export interface KeyDevicesPort {
  /** Throws DEVICE_NOT_FOUND when the device is not attached. */
  find(deviceId: string): Promise<AttachedDevice>;
  /** Resolves once the device is on USB in that mode; throws TIMEOUT / DEVICE_NOT_FOUND after timeoutMs. */
  waitFor(deviceId: string, usbMode: 'normal' | 'dfu', options: { timeoutMs: number; signal?: AbortSignal }): Promise<AttachedDevice>;
  /** The device's (shared, serialised) control-request client, for the cloud status request 300. */
  control(device: AttachedDevice): { cloudStatus(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<CloudStatus> };
}

export interface KeyCloudPort {
  /** The cloud profile this device belongs to (virtual devices: the lab cloud; hardware: the user's). */
  activeProfile(deviceId: string): Promise<CloudProfile>;
  uploadPublicKey(request: { deviceId: string; publicKeyPem: string; algorithm: 'rsa' | 'ecc'; productId?: number }): Promise<void>;
  deviceStatus(deviceId: string): Promise<{ online: boolean; connected: boolean }>;
}
