export { DeviceLab, type DeviceLabOptions, type AttachOptions } from './device-lab';
export { VirtualParticleDevice } from './device/virtual-particle-device';
export type { VirtualDeviceOptions } from './device/device-parts';
export type { DeviceImage } from './device/device-hardware';
export type { VirtualCloudLike, HandshakeResult } from './cloud-link';
export type { ScenarioInfo } from './scenario-info';
export { FaultInjector, type TransferAction } from './faults/fault-injector';
export type { FaultPlan, FaultSpec, FiredFault } from './faults/fault-plan';
export {
  buildModuleImage,
  parseModulePrefix,
  moduleCrcValid,
  MODULE_FUNCTION,
  MODULE_PREFIX_SIZE,
  MODULE_SUFFIX_SIZE,
  type ModuleImageSpec,
  type ModuleDependency,
  type ModuleFunctionName,
  type ModulePrefix,
} from './firmware-images';
export { crc32 } from './util/crc32';
export { SeededRandom } from './util/prng';
export { measureLabRoundTrip, type LabTimings } from './lab-bench';
export { FAST, REALISTIC, timingProfile, realSleep, type TimingProfile, type TimingName, type Sleep } from './util/timing';
export { labPlatform, labPlatforms, type LabPlatform, type ModuleSlot } from './platforms/lab-platforms';
export { SCENARIOS, scenarioDef, type ScenarioDef } from './scenarios/catalogue';
export { RELEASES, releaseModules, type DeviceOsRelease } from './scenarios/firmware-sets';
export { scenarioDeviceId } from './scenarios/scenario-image';
export { labKeyPair, publicSpkiFromPrivate, builtInServerKey, type LabKeyPair } from './keys/lab-keys';
export { buildApplicationDct, serverKeySlotImage, encodeServerAddress, resolveServerAddress, type DctContents, type ServerAddress } from './dct/dct-image';
export { parseMemoryLayout, protectLayoutString, type MemoryLayout, type LayoutSegment } from './flash/memory-layout';
export { DFU_STATE, DFU_STATUS, DFU_REQUEST, DFUSE_COMMAND, DFU_TRANSFER_SIZE, type DfuStatusName } from './dfu/dfu-constants';
export { SERVICE, SERVICE_STATUS, RESULT, encodeServiceReply, decodeServiceReply, type ServiceReply } from './control/service-reply';
export { ledState, type LedPatternId } from './boot/led-catalogue';
export type { VirtualMode, BootRequest } from './boot/boot-decision';
export type { CloudOutcome } from './boot/cloud-session';
