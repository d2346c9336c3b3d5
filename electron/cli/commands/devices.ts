import type { DeviceSummary } from '../../../shared/domain';
import type { CliCommand } from '../types';

export function formatDevices(devices: DeviceSummary[]): string[] {
  if (devices.length === 0) return ['No Particle devices found.'];
  return devices.map((d) => {
    const os = d.deviceOsVersion ? `Device OS ${d.deviceOsVersion}` : 'Device OS unknown';
    const virtual = d.virtual ? `  [virtual: ${d.scenario ?? 'lab'}]` : '';
    return `${d.deviceId}  ${d.platformName.padEnd(10)} ${d.mode.padEnd(9)} ${os}${d.busy ? '  (busy)' : ''}${virtual}`;
  });
}

export const command: CliCommand = {
  name: 'devices',
  summary: 'List attached Particle devices: ID, platform, mode, Device OS version.',
  usage: 'devices [--json] [--virtual <scenario>]',
  async run(_args, env) {
    const services = await env.services();
    const devices = await services.devices.list();
    const usb = services.devices.status();
    if (env.json) {
      env.printJson({ devices, usb });
      return 0;
    }
    for (const line of formatDevices(devices)) env.print(line);
    if (usb.problem) env.print(`\nHardware USB: ${usb.problem.message}\nWhat to do: ${usb.problem.fix}`);
    return 0;
  },
};
