import type { WifiSetResult } from '../../../shared/contract/wifi';
import { checkNetwork } from '../../services/wifi/wifi-input';
import { UsageError, stringFlag } from '../args';
import type { CliCommand } from '../types';
import { password as readPassword } from './cloud';

/**
 * `wifi`: Wi-Fi credentials over USB. The password comes from a hidden prompt or --password-file,
 * never from a flag (flags end up in shell history and process lists).
 */
export const command: CliCommand = {
  name: 'wifi',
  summary: 'Store Wi-Fi credentials over USB (Photon/P1: listening-mode console; Argon/P2: control requests), then watch the device connect.',
  usage: 'wifi [deviceId] --ssid <name> [--security wpa2|wpa|wep|open] [--password-file <file>] | wifi [deviceId] --scan | wifi [deviceId] --stored',
  options: { ssid: 'string', security: 'string', 'password-file': 'string', scan: 'boolean', stored: 'boolean' },
  async run(args, env) {
    const services = await env.services();
    const deviceId = await env.deviceId(args.positionals[0]);
    if (args.flags.scan || args.flags.stored) {
      const result = args.flags.scan ? await services.wifi.scan(deviceId) : await services.wifi.listStored(deviceId);
      if (env.json) env.printJson(result);
      else if (!result.supported) env.print(result.reason ?? 'Not available on this device over USB.');
      else if (result.networks.length === 0) env.print(args.flags.scan ? 'No networks in range.' : 'No networks stored.');
      else for (const n of result.networks) env.print(`${n.ssid}  ${n.security ?? 'unknown security'}${'rssi' in n && n.rssi !== null ? `  ${n.rssi} dBm` : ''}`);
      return 0;
    }
    const ssid = stringFlag(args, 'ssid');
    if (ssid === undefined) throw new UsageError('wifi needs --ssid <network name> (or --scan / --stored).');
    // SSID and security are checked before anyone is asked for a password.
    const { security } = checkNetwork({ ssid, security: stringFlag(args, 'security') ?? 'wpa2' });
    const pass = security === 'open' ? '' : await readPassword(args, env);
    if (!env.json) env.print(`Sending the credentials for "${ssid}" to ${deviceId} over USB…`);
    const result: WifiSetResult = await services.wifi.setCredentials(deviceId, { ssid, security, password: pass });
    if (env.json) env.printJson(result);
    else env.print(result.message);
    return result.connected ? 0 : 1;
  },
};
