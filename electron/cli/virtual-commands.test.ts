import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioDeviceId } from '../lab';
import { buildCli, pathWithout, runCliProcess } from './testing/cli-process';

// Each lab-backed command, in its own process like a user runs it, with socat absent from PATH:
// it finishes (or times out as its flags say) instead of hanging. A hang is killed and fails the test.
let cli: { entry: string; remove: () => void };
const dirs: string[] = [];

beforeAll(async () => {
  cli = await buildCli();
}, 60_000);
afterAll(() => {
  cli?.remove();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rescue-cli-'));
  dirs.push(dataDir);
  return runCliProcess(cli.entry, [...args, '--data-dir', dataDir], { PATH: pathWithout('socat'), PARTICLE_RESCUE_LAB_PTY: '' }, 90_000);
}

const SEED = scenarioDeviceId('photon-seed', 1);

describe('lab-backed CLI commands finish or time out as their flags say (no socat)', () => {
  it('verify --timeout 5 on a device the cloud refuses ends with exit 1 and says why waiting will not help', async () => {
    const { code, stdout } = await run(['verify', SEED, '--virtual', 'photon-seed', '--timeout', '5']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/rejects the device’s key .*will not connect by waiting/);
  }, 120_000);

  it('verify --timeout 0 is a usage mistake, told before any waiting', async () => {
    const { code, stderr } = await run(['verify', SEED, '--virtual', 'photon-seed', '--timeout', '0']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--timeout needs whole seconds between 1 and 600/);
  }, 120_000);

  it('rescue --timeout 5 runs the plan on photon-seed to the end and reports it rescued', async () => {
    const { code, stdout } = await run(['rescue', SEED, '--virtual', 'photon-seed', '--timeout', '5']);
    expect(stdout).toMatch(/succeeded +Verify the cloud connection/);
    expect(code).toBe(0);
  }, 120_000);

  it('logs --seconds 1 reads the virtual port (lab:<deviceId>) for a second and ends', async () => {
    const id = scenarioDeviceId('photon-healthy', 1);
    const { code, stdout } = await run(['logs', id, '--virtual', 'photon-healthy', '--seconds', '1']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Reading lab:${id} for 1 s`);
    expect(stdout).toMatch(/\[system\] INFO: /);
  }, 120_000);

  it('repair-keys on photon-seed finishes with the device back online', async () => {
    const { code, stdout } = await run(['repair-keys', SEED, '--virtual', 'photon-seed']);
    expect(stdout).toMatch(/cloud connection: online/);
    expect(code).toBe(0);
  }, 120_000);
});
