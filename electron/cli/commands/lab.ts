import type { Services } from '../../services/container';
import { virtualDeviceSummary } from '../../rpc/handlers/lab';
import type { CliCommand, CliEnv } from '../types';

const SETTLE_MS = 15_000;

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Attach a scenario, report how to reach device and cloud, keep both running until `stopped`. */
export async function runLabStart(services: Services, env: CliEnv, scenario: string, timing: 'realistic' | 'fast', stopped: Promise<void>): Promise<number> {
  const known = services.lab.scenarios().map((s) => s.name);
  if (!known.includes(scenario)) {
    env.print(`There is no scenario "${scenario}". Known scenarios: ${known.join(', ')}.`);
    return 2;
  }
  const device = await services.lab.attach(scenario, { timing });
  const start = Date.now();
  while (['blinking-green', 'blinking-cyan'].includes(device.led().patternId) && Date.now() - start < SETTLE_MS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const led = device.led();
  const cloud = { baseUrl: services.virtualCloud.baseUrl(), deviceAddress: services.virtualCloud.serverAddress(device.platform.protocol) };
  const serialPort = device.serialPath;
  if (env.json) {
    env.printJson({ scenario, device: virtualDeviceSummary(device), led, serialPort, usb: device.usb && { vendorId: device.usb.vendorId, productId: device.usb.productId }, cloud });
  } else {
    env.print(`Virtual device (scenario ${scenario}) — not real hardware`);
    env.print(`  device ID   ${device.deviceId} (${device.platform.productName}, Device OS ${device.systemVersion})`);
    env.print(`  mode        ${device.mode}${device.usb ? `, USB ${hex(device.usb.vendorId)}:${hex(device.usb.productId)}` : ''}`);
    env.print(`  LED         ${led.patternId}: ${led.description}`);
    env.print(`  serial port ${serialPort ?? '(none: socat not installed or no CDC port in this mode)'}`);
    env.print(`  cloud API   ${cloud.baseUrl} (devices connect to ${cloud.deviceAddress.host}:${cloud.deviceAddress.port})`);
    env.print('Running in the foreground; press Ctrl+C to stop.');
  }
  await stopped;
  await services.lab.detach(device.deviceId);
  return 0;
}

function hex(n: number): string {
  return n.toString(16).padStart(4, '0');
}

export const command: CliCommand = {
  name: 'lab',
  summary: 'Virtual device lab: list scenarios, or run a virtual device + virtual cloud in the foreground.',
  usage: 'lab list [--json] | lab start <scenario> [--timing realistic|fast] [--json]',
  options: { timing: 'string' },
  async run(args, env) {
    const [sub, scenario] = args.positionals;
    const services = await env.services();
    if (sub === 'list') {
      const scenarios = services.lab.scenarios();
      if (env.json) env.printJson({ scenarios });
      else for (const s of scenarios) env.print(`${s.name.padEnd(22)} ${s.title} — ${s.description}`);
      return 0;
    }
    if (sub === 'start' && scenario) {
      const timing = args.flags.timing === 'fast' ? 'fast' : 'realistic';
      return runLabStart(services, env, scenario, timing, waitForSignal());
    }
    env.print(`Usage: ${command.usage}`);
    return 2;
  },
};
