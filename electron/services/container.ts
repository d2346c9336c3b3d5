import type { EventBus } from '../rpc/event-bus';
import type { OperationLog } from './operations/operation-log';
import type { OperationRunner } from './operations/operation-runner';
import type { DeviceLab } from '../lab';
import type { VirtualCloud } from '../lab/cloud/virtual-cloud';
import type { DeviceManager } from './usb/device-manager';
import type { DfuService } from './dfu/dfu-service';
import type { KeyService } from './keys/key-service';
import type { BackupStore } from './backups/backup-store';
import type { FirmwareService } from './firmware/firmware-service';
import type { CloudService } from './cloud/cloud-service';
import type { SerialService } from './logs/serial-service';
import type { DiagnosisService } from './diagnosis/diagnosis-service';
import type { ReportService } from './reports/report-service';
import type { WifiService } from './wifi/wifi-service';

export interface AppConfig {
  version: string;
  transport: 'electron' | 'browser' | 'cli';
  /** Where backups, journals, profiles and reports live (the user's app data folder). */
  dataDir: string;
  readOnly: boolean;
  station: boolean;
  /** Whether real USB hardware is used at all (off for pure lab runs such as tests). */
  hardware: boolean;
  labTiming: 'realistic' | 'fast';
}

/** The one object graph every front door (Electron, rescue host, CLI) shares. */
export interface Services {
  config: AppConfig;
  bus: EventBus;
  opLog: OperationLog;
  operations: OperationRunner;
  lab: DeviceLab;
  virtualCloud: VirtualCloud;
  devices: DeviceManager;
  dfu: DfuService;
  keys: KeyService;
  backups: BackupStore;
  firmware: FirmwareService;
  cloud: CloudService;
  serial: SerialService;
  diagnosis: DiagnosisService;
  reports: ReportService;
  wifi: WifiService;
  close(): Promise<void>;
}
