import type { labMethods } from '../../../shared/contract/lab';
import type { DeviceSummary } from '../../../shared/domain';
import { platformById } from '../../../shared/domain/platforms';
import { RescueError } from '../../../shared/errors';
import type { DeviceLab, VirtualParticleDevice } from '../../lab';
import type { HandlerGroup } from '../handler-types';

export interface LabHandlerDeps {
  lab: DeviceLab;
  /** When given, attach answers with the device list's own summary of the new device. */
  devices?: { list(): Promise<DeviceSummary[]> };
}

/** A DeviceSummary from what the virtual device shows on USB (used until the device list has it). */
export function virtualDeviceSummary(device: VirtualParticleDevice): DeviceSummary {
  const dfu = device.mode === 'dfu';
  return {
    deviceId: device.deviceId,
    platformId: device.platformId,
    platformName: platformById(device.platformId)?.displayName ?? `Platform ${device.platformId}`,
    mode: device.mode === 'off' ? 'unknown' : device.mode,
    usbMode: dfu ? 'dfu' : 'normal',
    deviceOsVersion: dfu || device.mode === 'off' ? null : device.systemVersion,
    virtual: true,
    scenario: device.scenario,
    health: device.protectedState() ? 'protected' : device.cloudOnline ? 'healthy' : 'unknown',
    busy: false,
  };
}

function deviceOf(lab: DeviceLab, deviceId: string): VirtualParticleDevice {
  const device = lab.get(deviceId);
  if (!device) {
    throw new RescueError('DEVICE_NOT_FOUND', `There is no virtual device ${deviceId} in the lab.`, 'Attach a scenario first (lab.attach), or pick a device from the list.');
  }
  return device;
}

export function labHandlers(deps: LabHandlerDeps): HandlerGroup<typeof labMethods> {
  return {
    'lab.scenarios': () => ({ scenarios: deps.lab.scenarios() }),
    'lab.attach': async ({ scenario, timing }) => {
      if (!deps.lab.scenarios().some((s) => s.name === scenario)) {
        const known = deps.lab.scenarios().map((s) => s.name).join(', ');
        throw new RescueError('NOT_FOUND', `There is no virtual-device scenario called "${scenario}".`, `Pick one of: ${known}.`);
      }
      const device = await deps.lab.attach(scenario, { timing });
      const listed = deps.devices ? (await deps.devices.list()).find((d) => d.deviceId === device.deviceId) : undefined;
      return { device: listed ?? virtualDeviceSummary(device) };
    },
    'lab.detach': async ({ deviceId }) => ({ detached: await deps.lab.detach(deviceId) }),
    'lab.led': ({ deviceId }) => deviceOf(deps.lab, deviceId).led(),
    'lab.pressButtons': async ({ deviceId, hold }) => {
      await deviceOf(deps.lab, deviceId).pressButtons(hold);
      return { pressed: true };
    },
  };
}
