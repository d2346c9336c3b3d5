import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RescueError } from '../../shared/errors';
import { UDEV_PACKAGED_PATH, UDEV_RULES_PATH, UDEV_RULES_TEXT } from '../services/usb/udev-rule';
import {
  type Exec,
  type RuleFiles,
  UDEV_EXPLANATION,
  UDEV_INSTALL_COMMAND,
  installUdevRule,
  shouldOfferUdevInstall,
  udevRuleStatus,
} from './udev-helper';

const files = (contents: Record<string, string | Uint8Array>): RuleFiles => ({
  read: async (path) => {
    const value = contents[path];
    if (value === undefined) return null;
    return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  },
  list: async (dir) => Object.keys(contents).filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1)),
});

/** The Particle CLI's own rule (assets/50-particle.rules, recovery-procedures.md §7). */
const CLI_RULE = 'SUBSYSTEM=="usb", ATTRS{idVendor}=="2b04", ATTRS{idProduct}=="[cd]0??", MODE="0666", GROUP="plugdev", ENV{ID_MM_DEVICE_IGNORE}="1"\n';
const CLI_RULE_PATH = '/etc/udev/rules.d/50-particle.rules';

async function rescueError(promise: Promise<unknown>): Promise<RescueError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RescueError);
  return error as RescueError;
}

describe('udev rule status', () => {
  it('is missing when there is no file', async () => {
    expect(await udevRuleStatus(files({}))).toBe('missing');
  });

  it('is installed only when the file matches byte for byte', async () => {
    expect(await udevRuleStatus(files({ [UDEV_RULES_PATH]: UDEV_RULES_TEXT }))).toBe('installed');
    expect(await udevRuleStatus(files({ [UDEV_RULES_PATH]: UDEV_RULES_TEXT.replace(/\n$/, '') }))).toBe('different');
    expect(await udevRuleStatus(files({ [UDEV_RULES_PATH]: `${UDEV_RULES_TEXT}# edited\n` }))).toBe('different');
  });

  it('finds the packaged copy under /usr/lib, and lets a copy in /etc override it as udev does', async () => {
    expect(await udevRuleStatus(files({ [UDEV_PACKAGED_PATH]: UDEV_RULES_TEXT }))).toBe('installed');
    expect(await udevRuleStatus(files({ [UDEV_PACKAGED_PATH]: UDEV_RULES_TEXT, [UDEV_RULES_PATH]: '# old\n' }))).toBe('different');
  });

  it("takes the Particle CLI's rule as equivalent, and not rules that miss newer platforms or need a group", async () => {
    expect(await udevRuleStatus(files({ [CLI_RULE_PATH]: CLI_RULE }))).toBe('equivalent');
    expect(await udevRuleStatus(files({ [CLI_RULE_PATH]: CLI_RULE, [UDEV_RULES_PATH]: '# old\n' }))).toBe('equivalent');
    expect(await udevRuleStatus(files({ [CLI_RULE_PATH]: `# ${CLI_RULE}` }))).toBe('missing');
    expect(await udevRuleStatus(files({ [CLI_RULE_PATH]: CLI_RULE.replace('[cd]0??', '[cd]00?') }))).toBe('missing');
    expect(await udevRuleStatus(files({ [CLI_RULE_PATH]: CLI_RULE.replace('MODE="0666"', 'MODE="0660"') }))).toBe('missing');
    expect(await udevRuleStatus(files({ '/usr/lib/udev/rules.d/60-other.rules': CLI_RULE.replace('MODE="0666"', 'TAG+="uaccess"') }))).toBe('equivalent');
    expect(await udevRuleStatus(files({ '/etc/udev/rules.d/50-particle.rules.bak': CLI_RULE }))).toBe('missing');
  });

  it('is offered on Linux only, and only when nothing grants access yet', () => {
    expect(shouldOfferUdevInstall('linux', 'missing')).toBe(true);
    expect(shouldOfferUdevInstall('linux', 'different')).toBe(true);
    expect(shouldOfferUdevInstall('linux', 'installed')).toBe(false);
    expect(shouldOfferUdevInstall('linux', 'equivalent')).toBe(false);
    expect(shouldOfferUdevInstall('darwin', 'missing')).toBe(false);
    expect(shouldOfferUdevInstall('win32', 'missing')).toBe(false);
  });
});

describe('udev explanation', () => {
  it('says what the rule does and shows it with the manual commands', () => {
    expect(UDEV_EXPLANATION.message).toContain(UDEV_RULES_PATH);
    expect(UDEV_EXPLANATION.message).toMatch(/2b04/);
    expect(UDEV_EXPLANATION.message).toMatch(/DFU/);
    expect(UDEV_EXPLANATION.rule).toBe(UDEV_RULES_TEXT);
    expect(UDEV_EXPLANATION.manualFix).toMatch(/udevadm control --reload-rules/);
  });
});

describe('pkexec install command', () => {
  it('runs one root shell that writes the rule from stdin, reloads udev and replays the Particle devices', () => {
    expect(UDEV_INSTALL_COMMAND.args[2]).not.toContain('50-particle.rules');
    expect(UDEV_INSTALL_COMMAND.command).toBe('pkexec');
    expect(UDEV_INSTALL_COMMAND.args.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    const script = UDEV_INSTALL_COMMAND.args[2];
    expect(script).toContain(`cat > '${UDEV_RULES_PATH}'`);
    expect(script).toMatch(/udevadm control --reload-rules && udevadm trigger .*--attr-match=idVendor=2b04/);
    expect(UDEV_INSTALL_COMMAND.stdin).toBe(UDEV_RULES_TEXT);
  });

  it('writes exactly the rule text when the script runs (with the paths moved to a scratch folder)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'udev-helper-'));
    try {
      const target = join(dir, 'rules.d', '70-particle-rescue.rules');
      const script = UDEV_INSTALL_COMMAND.args[2]
        .replace('/etc/udev/rules.d', join(dir, 'rules.d'))
        .replace(UDEV_RULES_PATH, target)
        .replace(/udevadm [^&]*/g, 'true ');
      execFileSync('/bin/sh', ['-c', script], { input: UDEV_INSTALL_COMMAND.stdin });
      expect(readFileSync(target, 'utf8')).toBe(UDEV_RULES_TEXT);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('installing the rule', () => {
  it('passes the command to exec and succeeds when the rule is then in place', async () => {
    const calls: unknown[] = [];
    const exec: Exec = async (command, args, stdin) => {
      calls.push({ command, args, stdin });
      return { code: 0, stderr: '' };
    };
    await installUdevRule(exec, files({ [UDEV_RULES_PATH]: UDEV_RULES_TEXT }));
    expect(calls).toEqual([
      { command: 'pkexec', args: UDEV_INSTALL_COMMAND.args, stdin: UDEV_RULES_TEXT },
    ]);
  });

  it('explains a dismissed or refused password prompt', async () => {
    for (const code of [126, 127]) {
      const error = await rescueError(installUdevRule(async () => ({ code, stderr: '' }), files({})));
      expect(error.code).toBe('USB_PERMISSION_DENIED');
      expect(error.message).toMatch(/password/);
      expect(error.fix).toContain('sudo');
    }
  });

  it('gives the manual commands when pkexec is missing', async () => {
    const error = await rescueError(installUdevRule(async () => ({ code: null, stderr: '' }), files({})));
    expect(error.message).toMatch(/pkexec is not available/);
    expect(error.fix).toContain(UDEV_RULES_PATH);
  });

  it('reports a failing script with its exit code and error output', async () => {
    const error = await rescueError(
      installUdevRule(async () => ({ code: 1, stderr: 'udevadm: command not found\n' }), files({})),
    );
    expect(error.message).toBe('Installing the udev rule failed (exit code 1: udevadm: command not found).');
  });

  it('does not trust a success exit when the file is not what was written', async () => {
    const error = await rescueError(installUdevRule(async () => ({ code: 0, stderr: '' }), files({})));
    expect(error.message).toMatch(/does not hold the rule/);
  });
});
