import type { CloudProfile } from '../../../shared/contract/cloud';
import type { OperationContext } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';

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
  enterDfu(deviceId: string, ctx: OperationContext): Promise<unknown>;
  openSession(deviceId: string, ctx: OperationContext): Promise<KeyDfuSession>;
}

export interface KeyDevicesPort {
  find(deviceId: string): AttachedDevice | null | undefined | Promise<AttachedDevice | null | undefined>;
}

export interface KeyCloudPort {
  activeProfile(): Promise<CloudProfile>;
  uploadPublicKey(request: { deviceId: string; publicKeyPem: string; algorithm: 'rsa' | 'ecc'; productId?: number }): Promise<void>;
  deviceStatus(deviceId: string): Promise<{ online: boolean; connected: boolean }>;
}
