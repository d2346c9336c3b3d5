import type { VirtualCloudLike } from '../cloud-link';
import type { FaultPlan } from '../faults/fault-plan';
import type { LabPlatform } from '../platforms/lab-platforms';
import type { Sleep, TimingProfile } from '../util/timing';
import type { DeviceHardware, DeviceImage } from './device-hardware';

export interface VirtualDeviceOptions {
  scenario: string;
  image: DeviceImage;
  timing: TimingProfile;
  sleep: Sleep;
  cloud?: VirtualCloudLike;
  seed: number;
  faults?: FaultPlan;
}

/** What every part of a virtual device shares: identity, hardware, timing. */
export interface DeviceParts {
  platform: LabPlatform;
  deviceId: string;
  hw: DeviceHardware;
  image: DeviceImage;
  timing: TimingProfile;
  sleep: Sleep;
  seed: number;
}

/** Device Protection exists on Gen 3/4 with Device OS 6.x (request 76, string 0xFA `sm=`). */
export function knowsDeviceProtection(platform: LabPlatform, image: DeviceImage): boolean {
  return platform.supportsProtection && image.systemModuleVersion >= 6000;
}
