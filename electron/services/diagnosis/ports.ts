import type { Finding } from '../../../shared/contract/diagnosis';
import type { KeyHealth, RepairResult, ServerKeySource } from '../../../shared/contract/keys';
import type { RescueReport } from '../../../shared/contract/reports';
import type { LedState } from '../../../shared/domain/led';
import type { DeviceModuleInfo } from '../control/module-info';
import type { FirmwareFile } from '../firmware/inspect';
import type { OperationContext } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';

/**
 * What diagnosis and rescue need of the other services, and nothing more: DeviceManager, DfuService,
 * KeyService, CloudService, FirmwareService, ReportService and the lab satisfy these structurally.
 */
export interface DiagnosisDevicesPort {
  /** DeviceManager throws DEVICE_NOT_FOUND; a missing device may also come back as null. */
  find(deviceId: string): AttachedDevice | null | undefined | Promise<AttachedDevice | null | undefined>;
  /** The device's shared control client (requests to one device are serialised there). */
  control?(device: AttachedDevice): DiagnosisControl;
}

export interface DiagnosisDfuPort {
  enterDfu(deviceId: string, ctx: OperationContext): Promise<unknown>;
  leave(deviceId: string, ctx: OperationContext): Promise<unknown>;
}

export interface DiagnosisKeysPort {
  healthCheck(deviceId: string, ctx: OperationContext): Promise<KeyHealth>;
  repair(
    deviceId: string,
    opts: { serverKey: ServerKeySource; productId?: number; preferBackupKey: boolean; ledPatternId?: string },
    ctx: OperationContext,
  ): Promise<RepairResult>;
}

export interface DiagnosisCloudPort {
  session(): Promise<{ loggedIn: boolean }>;
  deviceStatus(deviceId: string): Promise<{ online: boolean; connected: boolean }>;
}

/** DeviceLab: what a virtual device's LED shows right now. */
export interface DiagnosisLabPort {
  get(deviceId: string): { led(): LedState } | undefined;
}

export interface DiagnosisFirmwarePort {
  flash(deviceId: string, files: FirmwareFile[], ctx: OperationContext): Promise<unknown>;
  /** Device OS for the device's platform from its signed-in cloud (or the cache), verified, flashed and confirmed. */
  updateDeviceOs?(deviceId: string, request: { version?: string }, ctx: OperationContext): Promise<{ version: string; source: string; plan: { steps: { fileName: string }[] } }>;
}

export interface ReportStepRecord {
  name: string;
  status: 'succeeded' | 'failed' | 'skipped' | 'cancelled';
  startedAt: string;
  durationMs: number;
  message: string;
}

export interface DiagnosisReportsPort {
  recordFindings(deviceId: string, findings: Finding[]): void;
  recordStep(deviceId: string, step: ReportStepRecord): void;
  recordSlots(deviceId: string, when: 'before' | 'after', hashes: RepairResult['before']): void;
  recordBackup(deviceId: string, backup: { backupId: string; location: string }): void;
  /** The measured facts of a key repair (problems found, keys generated, writes, upload, cloud link). */
  recordKeyRepair?(deviceId: string, result: RepairResult): void;
  finish(deviceId: string, meta: { platformName: string; virtual: boolean }): RescueReport | Promise<RescueReport>;
}

export interface ControlRequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The control requests diagnosis uses (ControlClient satisfies it). */
export interface DiagnosisControl {
  deviceMode(options?: ControlRequestOptions): Promise<'normal' | 'listening'>;
  systemVersion(options?: ControlRequestOptions): Promise<string | null>;
  cloudStatus(options?: ControlRequestOptions): Promise<'disconnected' | 'connecting' | 'connected' | 'disconnecting'>;
  moduleInfo(options?: ControlRequestOptions): Promise<DeviceModuleInfo[]>;
}
