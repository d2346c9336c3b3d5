import { DeviceIdSchema, type DeviceSummary } from '../../shared/domain';
import { RescueError } from '../../shared/errors';
import { UsageError } from './args';

function describe(device: DeviceSummary): string {
  const os = device.deviceOsVersion ? `, Device OS ${device.deviceOsVersion}` : '';
  return `  ${device.deviceId}  ${device.platformName} (${device.mode}${os})${device.virtual ? ' — virtual' : ''}`;
}

/**
 * Which device a command acts on. A given ID is validated; with none, the only attached device is
 * taken, since that is what a person with one device plugged in means. Several without a choice would
 * be a guess, so they are listed instead.
 */
export function chooseDevice(given: string | undefined, attached: readonly DeviceSummary[]): string {
  if (given !== undefined) {
    const parsed = DeviceIdSchema.safeParse(given.toLowerCase());
    if (!parsed.success) {
      throw new UsageError(`"${given}" is not a device ID (24 hex digits). \`particle-rescue devices\` lists the attached ones.`);
    }
    return parsed.data;
  }
  if (attached.length === 1) return attached[0].deviceId;
  if (attached.length === 0) {
    throw new RescueError(
      'DEVICE_NOT_FOUND',
      'No Particle device is attached.',
      'Plug the device in with a data cable (not a charge-only one) and run the command again; `particle-rescue devices` shows what the app sees.',
    );
  }
  throw new UsageError(`${attached.length} devices are attached; say which one by its ID:\n${attached.map(describe).join('\n')}`);
}
