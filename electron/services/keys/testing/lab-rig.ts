import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceLab } from '../../../lab/device-lab';
import { VirtualCloud, VIRTUAL_CLOUD_PROFILE_ID, type VirtualCloudOptions } from '../../../lab/cloud/virtual-cloud';
import type { TimingName } from '../../../lab/util/timing';
import { BackupStore } from '../../backups/backup-store';
import { CloudService } from '../../cloud/cloud-service';
import { DfuService } from '../../dfu/dfu-service';
import { OperationLog } from '../../operations/operation-log';
import { OperationRunner } from '../../operations/operation-runner';
import { DeviceManager } from '../../usb/device-manager';
import { bytesEqual } from '../key-formats';
import { KeyService, type KeyServiceTiming } from '../key-service';
import type { VirtualParticleDevice } from '../../../lab/device/virtual-particle-device';

export interface LabRig {
  dataDir: string;
  cloud: VirtualCloud;
  lab: DeviceLab;
  opLog: OperationLog;
  devices: DeviceManager;
  dfu: DfuService;
  cloudService: CloudService;
  backups: BackupStore;
  keys: KeyService;
  operations: OperationRunner;
  /** A KeyService over the same data folder, as after an app restart. */
  restart(): KeyService;
  close(): Promise<void>;
}

/** The real services (USB, DFU, cloud, keys) against the device lab and the virtual cloud. */
export async function startLabRig(
  opts: { timing?: TimingName; seed?: number; keyTiming?: Partial<KeyServiceTiming>; dataDir?: string; cloud?: VirtualCloudOptions } = {},
): Promise<LabRig> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'keys-lab-')));
  const cloud = new VirtualCloud(opts.cloud);
  await cloud.start();
  const lab = new DeviceLab({ timing: opts.timing ?? 'fast', cloud, seed: opts.seed ?? 1 });
  const opLog = new OperationLog(null);
  const devices = new DeviceManager({ sources: lab.source, serial: lab.serialAccess, opLog });
  const dfu = new DfuService({ devices, serial: lab.serialAccess, opLog, session: { retry: { attempts: 2, delayMs: 0 } } });
  const cloudService = new CloudService({ dataDir, opLog, retryDelaysMs: [0, 0], fetchTimeoutMs: 5_000 });
  cloudService.registerProfile(cloud.cloudProfile());
  await cloudService.useProfile(VIRTUAL_CLOUD_PROFILE_ID);
  await cloudService.setToken(cloud.createToken('demo@particle.rescue'));
  const backups = new BackupStore(join(dataDir, 'backups'));
  const keyTiming = { probeMs: 1_500, verifyMs: 15_000, watchMs: 3_000, pollMs: 25, ...opts.keyTiming };
  const makeKeys = (): KeyService => new KeyService({ dataDir, backups, devices, dfu, cloud: cloudService, timing: keyTiming });
  const keys = makeKeys();
  const operations = new OperationRunner(null, opLog);
  return {
    dataDir,
    cloud,
    lab,
    opLog,
    devices,
    dfu,
    cloudService,
    backups,
    keys,
    operations,
    restart: makeKeys,
    async close() {
      await dfu.close();
      devices.close();
      await lab.close();
      await cloud.stop();
      // A data folder handed in belongs to the caller (it outlives this rig, e.g. across processes).
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the firmware stopped changing the DCT (its first boot fills the public key field, or a key). */
export async function settled(device: VirtualParticleDevice, stablePolls = 3): Promise<VirtualParticleDevice> {
  let last = device.dctBytes().slice();
  for (let stable = 0; stable < stablePolls; ) {
    await new Promise((resolve) => setTimeout(resolve, 15));
    const now = device.dctBytes().slice();
    stable = bytesEqual(now, last) ? stable + 1 : 0;
    last = now;
  }
  return device;
}

