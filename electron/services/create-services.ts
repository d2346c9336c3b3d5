import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceLab } from '../lab';
import { VirtualCloud } from '../lab/cloud/virtual-cloud';
import { labSerialMode } from '../lab/serial/serial-mode';
import type { EventPayload } from '../../shared/contract';
import type { RemoteLab } from '../lab/service/lab-client';
import { EventBus } from '../rpc/event-bus';
import { BackupStore } from './backups/backup-store';
import { CloudService } from './cloud/cloud-service';
import { MemoryTokenVault, type TokenVault } from './cloud/token-vault';
import type { AppConfig, Services } from './container';
import { DfuService } from './dfu/dfu-service';
import { DiagnosisService } from './diagnosis/diagnosis-service';
import { healthAfter } from './diagnosis/health-badge';
import { FirmwareService } from './firmware/firmware-service';
import { DeviceOsStore } from './firmware/device-os-store';
import { KeyService } from './keys/key-service';
import { LabAwareCloud } from './lab-aware-cloud';
import { RealSerialAccess } from './logs/real-serial-access';
import { SerialService } from './logs/serial-service';
import { WifiService } from './wifi/wifi-service';
import { OperationLog } from './operations/operation-log';
import { OperationRunner } from './operations/operation-runner';
import { ReportService } from './reports/report-service';
import { labFirstSerialAccess } from './serial-access';
import { DeviceManager } from './usb/device-manager';
import { RealUsbSource } from './usb/real-usb-source';
import type { SerialAccess, UsbSource } from './usb/usb-source';

export interface CreateServicesOptions {
  transport: AppConfig['transport'];
  dataDir: string;
  version?: string;
  /** Real USB hardware as well as the lab (off for demo hosts, tests, `--virtual` CLI runs). */
  hardware: boolean;
  labTiming?: AppConfig['labTiming'];
  readOnly?: boolean;
  station?: boolean;
  /** Where the user's cloud token is kept: Electron safeStorage in the desktop app, memory elsewhere. */
  tokenVault?: TokenVault;
  /** A lab service in another process (`--lab`): its devices join the bus, its cloud is the lab cloud. */
  remoteLab?: RemoteLab;
}

export const DEMO_ACCOUNT = 'demo@particle.rescue';

/** Devices of a remote lab touch their baud over the lab service; everything else as before. */
function remoteFirstSerialAccess(remote: RemoteLab, other: SerialAccess): SerialAccess {
  return {
    locate: async (deviceId) => (remote.source.has(deviceId) ? remote.source.serialAccess.locate(deviceId) : other.locate(deviceId)),
    touchBaud: async (deviceId, baud) => (remote.source.has(deviceId) ? remote.source.serialAccess.touchBaud(deviceId, baud) : other.touchBaud(deviceId, baud)),
  };
}

/** The composition root: one service graph for the Electron main process, the rescue host and the CLI. */
export async function createServices(options: CreateServicesOptions): Promise<Services> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const config: AppConfig = {
    version: options.version ?? '0.1.0',
    transport: options.transport,
    dataDir: options.dataDir,
    readOnly: options.readOnly ?? false,
    station: options.station ?? false,
    hardware: options.hardware,
    labTiming: options.labTiming ?? 'realistic',
  };
  const bus = new EventBus();
  const opLog = new OperationLog(bus);
  const operations = new OperationRunner(bus, opLog);

  const virtualCloud = new VirtualCloud();
  await virtualCloud.start();
  const lab = new DeviceLab({ timing: config.labTiming, cloud: virtualCloud, serial: labSerialMode() });
  const remote = options.remoteLab ?? null;
  const isVirtual = (deviceId: string) => lab.get(deviceId) !== undefined || remote?.source.has(deviceId) === true;

  const realSerial = options.hardware ? new RealSerialAccess() : null;
  const serialAccess = remote ? remoteFirstSerialAccess(remote, labFirstSerialAccess(lab, realSerial)) : labFirstSerialAccess(lab, realSerial);
  const sources: UsbSource[] = [lab.source, ...(remote ? [remote.source] : []), ...(options.hardware ? [new RealUsbSource()] : [])];
  const devices = new DeviceManager({ sources, serial: serialAccess, opLog, bus });
  const dfu = new DfuService({ devices, serial: serialAccess, opLog });
  const backups = new BackupStore(join(config.dataDir, 'backups'));
  // A save killed before its rename leaves a hidden .tmp- folder: remove it on start.
  await backups.removeLeftovers();

  const cloud = new CloudService({ dataDir: config.dataDir, vault: options.tokenVault ?? new MemoryTokenVault(), opLog });
  const labCloud = new CloudService({ dataDir: join(config.dataDir, 'lab-cloud'), vault: new MemoryTokenVault(), opLog });
  const virtualProfile = remote ? remote.session.cloudProfile : virtualCloud.cloudProfile();
  for (const service of options.hardware ? [labCloud] : [labCloud, cloud]) {
    // The lab's cloud is a demo: it is signed in as the demo account from the start.
    service.registerProfile(virtualProfile);
    await service.useProfile(virtualProfile.id);
    await service.setToken(remote ? remote.session.accessToken : virtualCloud.createToken(DEMO_ACCOUNT));
  }
  if (options.hardware) cloud.registerProfile(virtualProfile);
  const deviceClouds = new LabAwareCloud(cloud, labCloud, isVirtual);

  const keys = new KeyService({ dataDir: config.dataDir, backups, devices, dfu, cloud: deviceClouds });
  const deviceOs = { store: new DeviceOsStore(join(config.dataDir, 'device-os')), access: (deviceId: string) => deviceClouds.accessFor(deviceId) };
  const firmware = new FirmwareService({ dfu, devices, backups, opLog, deviceOs });
  // Any rescue gets a report: the wizard's rescue writes its own; a one-click repair, a flash or a restore here.
  const reports = new ReportService({
    dataDir: config.dataDir,
    bus,
    finishAfter: {
      kinds: ['repair-keys', 'flash', 'restore'],
      device: async (deviceId) => {
        const device = (await devices.list()).find((d) => d.deviceId === deviceId);
        return device ? { platformName: device.platformName, virtual: device.virtual } : null;
      },
    },
  });
  const diagnosis = new DiagnosisService({
    devices,
    dfu,
    keys,
    cloud: deviceClouds,
    firmware,
    reports,
    lab,
    opLog,
  });
  const serial = new SerialService({ opLog, bus, locators: [serialAccess] });
  // The device card's health badge follows every check and repair.
  bus.subscribe((event, payload) => {
    if (event !== 'operations.finished') return;
    const finished = payload as EventPayload<'operations.finished'>;
    const badge = healthAfter(finished);
    if (badge && finished.deviceId) devices.setHealth(finished.deviceId, badge);
  });
  const wifi = new WifiService({ devices, serial: serialAccess, opLog, logs: serial });

  return {
    config,
    bus,
    opLog,
    operations,
    lab,
    virtualCloud,
    devices,
    dfu,
    keys,
    backups,
    firmware,
    cloud,
    serial,
    diagnosis,
    reports,
    wifi,
    close: async () => {
      await serial.stopAll();
      await dfu.close();
      devices.close();
      await lab.close();
      await virtualCloud.stop();
      remote?.close();
    },
  };
}
