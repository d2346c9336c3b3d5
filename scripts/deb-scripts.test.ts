import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';


const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STUBBED = ['udevadm', 'update-alternatives', 'apparmor_status', 'apparmor_parser', 'update-desktop-database'];

/**
 * Runs the deb maintainer scripts for real, moved into a scratch root: electron-builder's macros are
 * rendered, absolute system paths point into the scratch folder, and the system tools they call are
 * stubs that log their arguments.
 */
let root: string;

function render(script: string): string {
  const text = readFileSync(join(ROOT, 'resources/linux', script), 'utf8')
    .replaceAll('${executable}', 'particle-rescue')
    .replaceAll('${sanitizedProductName}', 'Particle Rescue');
  let moved = text.replaceAll('/run/udev', `${root}/run/udev`);
  for (const dir of ['/opt/', '/etc/', '/var/', '/usr/bin/']) {
    for (const quote of ["'", '"']) moved = moved.replaceAll(`${quote}${dir}`, `${quote}${root}${dir}`);
  }
  // These run as root on the test machine: refuse to run one that still writes a system path.
  expect(moved).not.toMatch(/["'](\/etc|\/var|\/opt|\/usr\/bin)\//);
  return moved;
}

function run(script: string, ...args: string[]): void {
  const path = join(root, `${script}.rendered`);
  writeFileSync(path, render(script));
  execFileSync('bash', [path, ...args], {
    env: { PATH: `${join(root, 'bin')}:/usr/bin:/bin`, STUB_LOG: join(root, 'calls.log') },
    stdio: 'pipe',
  });
}

/** The Particle CLI's rule, at the path it installs it to: nothing of ours may touch it. */
const CLI_RULE = 'SUBSYSTEM=="usb", ATTRS{idVendor}=="2b04", ATTRS{idProduct}=="[cd]0??", MODE="0666", GROUP="plugdev"\n';
const cliRulePath = () => join(root, 'etc/udev/rules.d/50-particle.rules');
const legacyRecord = () => join(root, 'var/lib/particle-rescue/50-particle.rules');
const rulesFolders = () => ['etc/udev/rules.d', 'usr/lib/udev/rules.d', 'lib/udev/rules.d'].map((d) => join(root, d));
const calls = () => (existsSync(join(root, 'calls.log')) ? readFileSync(join(root, 'calls.log'), 'utf8') : '');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'deb-scripts-'));
  mkdirSync(join(root, 'bin'));
  for (const tool of STUBBED) {
    const exit = tool === 'apparmor_status' ? 1 : 0;
    writeFileSync(join(root, 'bin', tool), `#!/bin/sh\necho "${tool} $*" >> "$STUB_LOG"\nexit ${exit}\n`);
    chmodSync(join(root, 'bin', tool), 0o755);
  }
  mkdirSync(join(root, 'run/udev'), { recursive: true });
  const appDir = join(root, 'opt/Particle Rescue');
  mkdirSync(join(appDir, 'resources/udev'), { recursive: true });
  writeFileSync(join(appDir, 'resources/udev/70-particle-rescue.rules'), readFileSync(join(ROOT, 'resources/linux/70-particle-rescue.rules')));
  writeFileSync(join(appDir, 'chrome-sandbox'), '');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function writeCliRule(): void {
  mkdirSync(dirname(cliRulePath()), { recursive: true });
  writeFileSync(cliRulePath(), CLI_RULE);
}

describe('deb postinst', () => {
  it('reloads udev and replays Particle devices and serial ports, writing no rule of its own', () => {
    run('after-install.sh', 'configure');
    expect(calls()).toContain('udevadm control --reload-rules');
    expect(calls()).toContain('udevadm trigger --action=add --subsystem-match=usb --attr-match=idVendor=2b04');
    expect(calls()).toContain('udevadm trigger --action=change --subsystem-match=tty');
    expect(calls()).toContain(`update-alternatives --install ${root}/usr/bin/particle-rescue particle-rescue ${root}/opt/Particle Rescue/particle-rescue 100`);
    for (const folder of rulesFolders()) expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
  });

  it("leaves the Particle CLI's rule exactly as it was, on install and on upgrade", () => {
    writeCliRule();
    run('after-install.sh', 'configure');
    run('after-install.sh', 'configure', '0.1.0');
    expect(readFileSync(cliRulePath(), 'utf8')).toBe(CLI_RULE);
  });

  it('removes the copy an earlier build put at the CLI path only while it is byte for byte ours', () => {
    const earlier = '# Particle devices (earlier Particle Rescue build)\n';
    mkdirSync(dirname(legacyRecord()), { recursive: true });
    writeFileSync(legacyRecord(), earlier);
    mkdirSync(dirname(cliRulePath()), { recursive: true });
    writeFileSync(cliRulePath(), earlier);
    run('after-install.sh', 'configure', '0.1.0');
    expect(existsSync(cliRulePath())).toBe(false);
    expect(existsSync(legacyRecord())).toBe(false);

    writeFileSync(cliRulePath(), CLI_RULE);
    mkdirSync(dirname(legacyRecord()), { recursive: true });
    writeFileSync(legacyRecord(), earlier);
    run('after-install.sh', 'configure', '0.1.0');
    expect(readFileSync(cliRulePath(), 'utf8')).toBe(CLI_RULE);
  });
});

describe('deb postrm', () => {
  it('reloads udev on remove and on purge, and takes the command away', () => {
    for (const action of ['remove', 'purge']) {
      writeFileSync(join(root, 'calls.log'), '');
      run('after-remove.sh', action);
      expect(calls()).toContain('udevadm control --reload-rules');
      expect(calls()).toContain('update-alternatives --remove particle-rescue');
    }
  });

  it("never touches the Particle CLI's rule", () => {
    writeCliRule();
    run('after-install.sh', 'configure');
    run('after-remove.sh', 'remove');
    run('after-remove.sh', 'purge');
    expect(readFileSync(cliRulePath(), 'utf8')).toBe(CLI_RULE);
  });

  it('does nothing on upgrade (the new postinst follows)', () => {
    run('after-install.sh', 'configure');
    writeFileSync(join(root, 'calls.log'), '');
    run('after-remove.sh', 'upgrade', '0.2.0');
    expect(calls()).toBe('');
  });
});
