import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptedCli } from '../testing/scripted-cli';

const dataDir = mkdtempSync(join(tmpdir(), 'rescue-cli-wifi-'));
const lab = (scenario: string) => ['--virtual', scenario, '--lab-timing', 'fast', '--data-dir', dataDir];
/** The lab's access point password (electron/lab/device/wifi-networks.ts). */
const LAB_PASSWORD = 'particle-rescue';

const cli = scriptedCli;

describe('particle-rescue wifi', () => {
  it('photon-wifi-lost: asks for the password (hidden), stores it over the listening console and reports the measured connection', async () => {
    const run = await cli(['wifi', '--ssid', 'RescueLab', ...lab('photon-wifi-lost'), '--json'], [LAB_PASSWORD]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.asked).toEqual([{ question: 'Password: ', secret: true }]);
    const result = JSON.parse(run.out);
    expect(result).toMatchObject({ ssid: 'RescueLab', security: 'wpa2', method: 'listening-console', stored: true, connected: true });
    expect(run.out).not.toContain(LAB_PASSWORD);
  });

  it('reads the password from --password-file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wifi-pw-')), 'password');
    writeFileSync(file, `${LAB_PASSWORD}\n`, { mode: 0o600 });
    const run = await cli(['wifi', '--ssid', 'RescueLab', '--password-file', file, ...lab('photon-wifi-lost')]);
    expect(run.code).toBe(0);
    expect(run.asked).toEqual([]);
    expect(run.out).toMatch(/joined "RescueLab" and is connected/);
  });

  it('never takes the password as a flag value', async () => {
    const run = await cli(['wifi', '--ssid', 'RescueLab', '--password', LAB_PASSWORD, ...lab('photon-wifi-lost')]);
    expect(run.code).toBe(2);
    expect(run.out).not.toMatch(/connected/);
  });

  it('refuses an empty SSID or an unsupported security type before asking for a password', async () => {
    const empty = await cli(['wifi', '--ssid', '', ...lab('photon-wifi-lost')], [LAB_PASSWORD]);
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/^Error \(INVALID_INPUT\): The network name \(SSID\) is empty/m);
    expect(empty.asked).toEqual([]);
    const wpa3 = await cli(['wifi', '--ssid', 'RescueLab', '--security', 'wpa3', ...lab('photon-wifi-lost')], [LAB_PASSWORD]);
    expect(wpa3.code).toBe(2);
    expect(wpa3.err).toMatch(/INVALID_INPUT.*wpa3/);
    expect(wpa3.asked).toEqual([]);
  });

  it('refuses a password longer than 64 characters without echoing it', async () => {
    const long = 'p'.repeat(65);
    const run = await cli(['wifi', '--ssid', 'RescueLab', ...lab('photon-wifi-lost')], [long]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/INVALID_INPUT.*65 characters long; the device accepts at most 64/);
    expect(run.err + run.out).not.toContain(long);
  });

  it('a Photon that is not in listening mode: WRONG_MODE with what to do', async () => {
    const run = await cli(['wifi', '--ssid', 'RescueLab', ...lab('photon-healthy')], [LAB_PASSWORD]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/WRONG_MODE.*not in listening mode/);
    expect(run.err).toMatch(/blinks dark blue/);
  });

  it('without a terminal says to use --password-file', async () => {
    const run = await cli(['wifi', '--ssid', 'RescueLab', ...lab('photon-wifi-lost')]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--password-file/);
  });

  it('--scan on an Argon lists the networks in range (request 506); on a Photon says it cannot', async () => {
    const argon = await cli(['wifi', '--scan', ...lab('argon-seed')]);
    expect(argon.code).toBe(0);
    expect(argon.out).toMatch(/^RescueLab {2}wpa2 {2}-48 dBm$/m);
    const photon = await cli(['wifi', '--scan', ...lab('photon-wifi-lost')]);
    expect(photon.code).toBe(0);
    expect(photon.out).toMatch(/cannot list networks over USB/);
  });
});
