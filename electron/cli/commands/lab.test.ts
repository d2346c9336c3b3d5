import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../../lab';
import { VirtualCloud } from '../../lab/cloud/virtual-cloud';
import type { Services } from '../../services/container';
import type { CliEnv } from '../types';
import { command, runLabStart } from './lab';

let lab: DeviceLab | undefined;
let cloud: VirtualCloud | undefined;
afterEach(async () => {
  await lab?.close();
  await cloud?.stop();
});

async function env(json: boolean) {
  cloud = new VirtualCloud();
  await cloud.start();
  lab = new DeviceLab({ timing: 'fast', cloud });
  const services = { lab, virtualCloud: cloud } as unknown as Services;
  const out: string[] = [];
  const printed: unknown[] = [];
  const e: CliEnv = { services: async () => services, print: (t) => out.push(t), printJson: (v) => printed.push(v), json, deviceId: async (given) => given ?? '' };
  return { services, e, out, printed };
}

describe('lab CLI', () => {
  it('lab list prints every scenario', async () => {
    const { e, out } = await env(false);
    expect(await command.run({ positionals: ['list'], flags: {} }, e)).toBe(0);
    expect(out.some((l) => l.startsWith('photon-seed'))).toBe(true);
    expect(out).toHaveLength(10);
  });

  it('lab start runs the device against the virtual cloud until stopped, then unplugs it', async () => {
    const { services, e, printed } = await env(true);
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((r) => (stop = r));
    const run = runLabStart(services, e, 'photon-healthy', 'fast', stopped);
    for (let i = 0; i < 100 && printed.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const report = printed[0] as { device: { deviceId: string; virtual: boolean }; led: { patternId: string }; cloud: { baseUrl: string } };
    expect(report.device.virtual).toBe(true);
    expect(report.led.patternId).toBe('breathing-cyan');
    expect(report.cloud.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(lab!.list()).toHaveLength(1);
    stop();
    expect(await run).toBe(0);
    expect(lab!.list()).toHaveLength(0);
  });

  it('an unknown scenario exits 2 with the known names', async () => {
    const { services, e, out } = await env(false);
    expect(await runLabStart(services, e, 'nope', 'fast', Promise.resolve())).toBe(2);
    expect(out[0]).toMatch(/photon-healthy/);
  });
});
