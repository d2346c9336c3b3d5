import type { BackupSummary } from '../../../shared/contract/backups';
import type { DeviceModuleInfo } from '../control/module-info';
import type { OperationContext } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';

/**
 * The narrow slices of the USB, DFU and backup services the firmware service uses. The real classes
 * (DfuService, DeviceManager, BackupStore) satisfy them structurally; tests can hand in small fakes.
 */
export type ByteProgress = (progress: { bytesDone: number; bytesTotal: number }) => void;

export interface FlashSession {
  read(alt: number, address: number, length: number, onProgress?: ByteProgress, signal?: AbortSignal): Promise<Uint8Array>;
  write(alt: number, address: number, data: Uint8Array, options: { erase: boolean; onProgress?: ByteProgress; signal?: AbortSignal }): Promise<void>;
  verify(alt: number, address: number, data: Uint8Array, onProgress?: ByteProgress, signal?: AbortSignal): Promise<void>;
  leave(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface FirmwareDfu {
  /** Puts the device into DFU mode when needed and opens its DFU interface. */
  openSession(deviceId: string, ctx: OperationContext): Promise<FlashSession>;
  /** Releases an open session without leaving DFU mode (the device stays blinking yellow). */
  closeSession?(deviceId: string): Promise<void>;
}

export interface FirmwareDevices {
  /** Throws DEVICE_NOT_FOUND when the device is not attached. */
  find(deviceId: string): Promise<AttachedDevice>;
  waitFor(deviceId: string, usbMode: AttachedDevice['usbMode'], options: { timeoutMs: number; signal?: AbortSignal }): Promise<AttachedDevice>;
  /** The device's control-request client (control request 90 = module info, normal/listening mode only). */
  control(device: AttachedDevice): { moduleInfo(options?: { signal?: AbortSignal }): Promise<DeviceModuleInfo[]> };
}

export interface FirmwareBackups {
  save(input: { deviceId: string; platformId: number; kind: 'firmware'; reason: string; files: { name: string; data: Uint8Array }[] }): Promise<BackupSummary>;
  get(backupId: string): Promise<BackupSummary>;
  read(backupId: string, name: string): Promise<Uint8Array>;
  registerRestorer?(kind: 'firmware', restorer: (backup: BackupSummary, ctx: OperationContext) => Promise<unknown>): void;
}
