import { SCENARIOS } from '../../lab/scenarios/catalogue';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readLabRecord } from '../../lab/service/lab-files';
import { loadLabState } from '../../lab/service/lab-state';
import type { LabStatus } from '../../lab/service/lab-service';
import type { CliEnv } from '../types';
import { runCli } from '../cli';
import { allCommands } from '.';
import { command, runLabStart } from './lab';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function env(json: boolean) {
  const out: string[] = [];
  const printed: unknown[] = [];
  const e: CliEnv = { services: async () => Promise.reject(new Error('the lab command builds no services')), print: (t) => out.push(t), printJson: (v) => printed.push(v), json, deviceId: async (given) => given ?? '' };
  return { e, out, printed };
}

function labDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
  dirs.push(dir);
  return dir;
}

describe('lab CLI', () => {
  it('lab list prints every scenario', async () => {
    const { e, out } = env(false);
    expect(await command.run({ positionals: ['list'], flags: {} }, e)).toBe(0);
    expect(out.some((l) => l.startsWith('photon-seed'))).toBe(true);
    expect(out.map((l) => l.split(' ')[0])).toEqual(SCENARIOS.map((s) => s.name));
    expect(out.map((l) => l.split(' ')[0])).toContain('photon-wifi-lost');
  });

  it('lab start runs the service with the scenario until stopped; status and stop go through the folder', async () => {
    const dir = labDir();
    const { e, printed } = env(true);
    let release: () => void = () => undefined;
    const run = runLabStart({ positionals: ['start', 'photon-healthy'], flags: { 'lab-dir': dir, timing: 'fast' } }, e, () => new Promise((r) => (release = r)));
    for (let i = 0; i < 200 && printed.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    const started = printed[0] as LabStatus;
    expect(started.devices.map((d) => d.scenario)).toEqual(['photon-healthy']);
    expect(readLabRecord(dir)?.pid).toBe(process.pid);
    const status = env(true);
    expect(await command.run({ positionals: ['status'], flags: { 'lab-dir': dir } }, status.e)).toBe(0);
    expect((status.printed[0] as LabStatus).labId).toBe(started.labId);
    release();
    expect(await run).toBe(0);
    expect(readLabRecord(dir)).toBeNull();
  });

  it('an unknown scenario is a usage error naming the known ones', async () => {
    const { e } = env(false);
    await expect(runLabStart({ positionals: ['start', 'nope'], flags: { 'lab-dir': labDir() } }, e)).rejects.toMatchObject({ message: expect.stringContaining('"nope"'), fix: expect.stringContaining('photon-healthy'), details: { usage: true } });
  });

  it('status and stop without a running lab say how to start one', async () => {
    const { e } = env(false);
    await expect(command.run({ positionals: ['status'], flags: { 'lab-dir': labDir() } }, e)).rejects.toMatchObject({ message: expect.stringContaining('No lab is running'), details: { usage: true } });
    await expect(command.run({ positionals: ['stop'], flags: { 'lab-dir': labDir() } }, e)).rejects.toMatchObject({ message: expect.stringContaining('No lab is running'), details: { usage: true } });
  });

  it('the CLI exits 2 with what to do for --lab without a lab and for --lab with --virtual', async () => {
    const dir = labDir();
    const err: string[] = [];
    const io = { out: () => undefined, err: (t: string) => err.push(t) };
    expect(await runCli(['devices', '--lab', dir, '--data-dir', dir], allCommands, io)).toBe(2);
    expect(err.join('\n')).toMatch(/No lab is running on .*\nWhat to do: Start one with `npm run lab -- start <scenario>`/);
    expect(await runCli(['devices', '--virtual', 'photon-seed', '--lab', dir, '--data-dir', dir], allCommands, io)).toBe(2);
    expect(err.at(-1)).toMatch(/--virtual and --lab cannot be used together/);
  });

  it('lab reset <scenario> without a running lab drops that scenario from the saved state, keeps the others', async () => {
    const dir = labDir();
    const { e } = env(true);
    await runLabStart({ positionals: ['start', 'photon-healthy', 'photon-seed'], flags: { 'lab-dir': dir, timing: 'fast' } }, e, async () => undefined);
    const before = loadLabState(dir)!;
    expect(before.devices.map((d) => d.scenario).sort()).toEqual(['photon-healthy', 'photon-seed']);
    expect(await command.run({ positionals: ['reset', 'photon-seed'], flags: { 'lab-dir': dir } }, env(true).e)).toBe(0);
    const after = loadLabState(dir)!;
    expect(after.devices.map((d) => d.scenario)).toEqual(['photon-healthy']);
    const seedId = before.devices.find((d) => d.scenario === 'photon-seed')!.deviceId;
    expect(after.cloud.devices.some((d) => d.id === seedId)).toBe(false);
    expect(after.labId).toBe(before.labId);
    await expect(command.run({ positionals: ['reset', 'photon-nope'], flags: { 'lab-dir': dir } }, env(true).e)).rejects.toMatchObject({ details: { usage: true } });
  });
});
