import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UDEV_RULES_PATH, UDEV_RULES_TEXT } from '../electron/services/usb/udev-rule';

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

const rulePath = () => join(root, UDEV_RULES_PATH);
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
  writeFileSync(join(appDir, 'resources/udev/50-particle.rules'), readFileSync(join(ROOT, 'resources/linux/50-particle.rules')));
  writeFileSync(join(appDir, 'chrome-sandbox'), '');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('deb postinst', () => {
  it('installs the udev rule, reloads udev and replays Particle devices', () => {
    run('after-install.sh', 'configure');
    expect(readFileSync(rulePath(), 'utf8')).toBe(UDEV_RULES_TEXT);
    expect(calls()).toContain('udevadm control --reload-rules');
    expect(calls()).toContain('udevadm trigger --action=add --subsystem-match=usb --attr-match=idVendor=2b04');
    expect(calls()).toContain(`update-alternatives --install ${root}/usr/bin/particle-rescue particle-rescue ${root}/opt/Particle Rescue/particle-rescue 100`);
  });

  it('replaces an older rule at the same path', () => {
    mkdirSync(dirname(rulePath()), { recursive: true });
    writeFileSync(rulePath(), '# old\n');
    run('after-install.sh', 'configure');
    expect(readFileSync(rulePath(), 'utf8')).toBe(UDEV_RULES_TEXT);
  });
});

describe('deb postrm', () => {
  it('removes the rule it installed and reloads udev on remove and on purge', () => {
    for (const action of ['remove', 'purge']) {
      run('after-install.sh', 'configure');
      writeFileSync(join(root, 'calls.log'), '');
      run('after-remove.sh', action);
      expect(existsSync(rulePath()), action).toBe(false);
      expect(calls()).toContain('udevadm control --reload-rules');
      expect(calls()).toContain('update-alternatives --remove particle-rescue');
    }
  });

  it('leaves a rule that someone else wrote at that path after the install', () => {
    run('after-install.sh', 'configure');
    writeFileSync(rulePath(), '# the Particle CLI rule\n');
    run('after-remove.sh', 'remove');
    expect(readFileSync(rulePath(), 'utf8')).toBe('# the Particle CLI rule\n');
  });

  it('keeps everything on upgrade (the new postinst follows)', () => {
    run('after-install.sh', 'configure');
    run('after-remove.sh', 'upgrade', '0.2.0');
    expect(readFileSync(rulePath(), 'utf8')).toBe(UDEV_RULES_TEXT);
  });
});
