import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RescueError } from '../../../shared/errors';
import type { Services } from '../../services/container';
import { labHarness, type LabHarness } from '../../services/usb/testing/lab-harness';
import type { CliEnv, ParsedArgs } from '../types';
import { command as devicesCommand } from './devices';
import { command as dfuCommand } from './dfu';

let h: LabHarness | null = null;
let dir: string | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** The command logic against the lab, as `--virtual <scenario>` gives it (the CLI core attaches the scenario). */
function env(harness: LabHarness, json: boolean, virtualDeviceId: string) {
  const out: string[] = [];
  const value: CliEnv = {
    json,
    services: async () => harness as unknown as Services,
    print: (text) => {
      if (!json) out.push(text);
    },
    printJson: (v) => out.push(JSON.stringify(v)),
    deviceId: async (given) => given ?? virtualDeviceId,
  };
  return { env: value, out };
}

const args = (positionals: string[], flags: ParsedArgs['flags'] = {}): ParsedArgs => ({ positionals, flags });

describe('CLI devices and dfu commands', () => {
  it('devices --json lists the virtual device', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const { env: e, out } = env(h, true, device.deviceId);
    expect(await devicesCommand.run(args([]), e)).toBe(0);
    const parsed = JSON.parse(out[0]) as { devices: { deviceId: string; virtual: boolean; mode: string }[] };
    expect(parsed.devices).toEqual([expect.objectContaining({ deviceId: device.deviceId, virtual: true, mode: 'normal' })]);
  });

  it('devices prints one line per device', async () => {
    h = labHarness();
    const device = await h.lab.attach('argon-seed');
    const { env: e, out } = env(h, false, device.deviceId);
    await devicesCommand.run(args([]), e);
    expect(out[0]).toMatch(new RegExp(`^${device.deviceId}\\s+Argon\\s+normal\\s+Device OS 4\\.2\\.0\\s+\\[virtual: argon-seed\\]`));
  });

  it('dfu enter, write FILE, read --out, leave', async () => {
    h = labHarness();
    dir = mkdtempSync(join(tmpdir(), 'dfu-cli-'));
    const device = await h.lab.attach('photon-healthy');
    const { env: e, out } = env(h, false, device.deviceId);
    expect(await dfuCommand.run(args(['enter', device.deviceId]), e)).toBe(0);
    expect(out.at(-1)).toMatch(/is in DFU mode \(via control-request\)/);
    const file = join(dir, 'user.bin');
    const data = Uint8Array.from({ length: 20_000 }, (_, i) => i % 251);
    writeFileSync(file, data);
    expect(await dfuCommand.run(args(['write', device.deviceId, file], { alt: '0', address: '0x080A0000' }), e)).toBe(0);
    expect(out.at(-1)).toMatch(/Wrote and verified 20000 bytes at 0x80a0000/);
    const back = join(dir, 'back.bin');
    expect(await dfuCommand.run(args(['read', device.deviceId], { alt: '0', address: '134873088', length: '20000', out: back }), e)).toBe(0);
    expect(Buffer.from(readFileSync(back)).equals(Buffer.from(data))).toBe(true);
    expect(await dfuCommand.run(args(['leave', device.deviceId]), e)).toBe(0);
    expect(out.at(-1)).toMatch(/left DFU mode/);
  });

  it('bad flags are INVALID_INPUT with an example', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-bad-system');
    const { env: e } = env(h, false, device.deviceId);
    const error = await dfuCommand.run(args(['read', device.deviceId], { alt: '0', address: 'zz', length: '4', out: 'x' }), e).catch((err: unknown) => err);
    expect(RescueError.is(error, 'INVALID_INPUT')).toBe(true);
    expect((error as RescueError).fix).toMatch(/--address 0x080A0000/);
    await expect(dfuCommand.run(args(['flash']), e)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
