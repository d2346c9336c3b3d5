/**
 * Linux: whether the Particle udev rule is in place, and installing it with pkexec when the app runs
 * as an AppImage (the deb installs it itself). The first USB_PERMISSION_DENIED on Linux is the moment
 * to explain the rule and offer the install. File access and process start are injected, so this
 * holds no Electron and no real system call.
 */
import { RescueError } from '../../shared/errors';
import { UDEV_RULE_NAME, UDEV_RULES_DIRS, UDEV_RULES_PATH, UDEV_RULES_TEXT, grantsParticleAccess, udevFix } from '../services/usb/udev-rule';

export type UdevRuleStatus = 'installed' | 'equivalent' | 'missing' | 'different';

/** Reads a file; resolves null when it does not exist. */
export type ReadFileBytes = (path: string) => Promise<Uint8Array | null>;

/** The rules files udev reads: one file's bytes (null when absent) and a folder's file names. */
export interface RuleFiles {
  read: ReadFileBytes;
  /** File names in a folder; empty when the folder does not exist. */
  list(dir: string): Promise<string[]>;
}

export interface ExecResult {
  /** Exit code; null when the program could not be started (e.g. pkexec not installed). */
  code: number | null;
  stderr: string;
}

/** Starts `command` with `args`, writes `stdin` to it and waits for it to end. */
export type Exec = (command: string, args: readonly string[], stdin: string) => Promise<ExecResult>;

/**
 * Our rule is looked up where udev would find it (a file in /etc overrides one of the same name in
 * /usr/lib) and compared byte for byte, like the Particle CLI does with its own: an older or edited
 * copy counts as different. Failing that, any other rules file that already grants the same access
 * (the Particle CLI's 50-particle.rules) is fine as it is: the app neither offers a second rule nor
 * touches that one.
 */
export async function udevRuleStatus(files: RuleFiles): Promise<UdevRuleStatus> {
  let ours: 'installed' | 'different' | null = null;
  for (const dir of UDEV_RULES_DIRS) {
    const text = await files.read(`${dir}/${UDEV_RULE_NAME}`);
    if (text === null) continue;
    ours = Buffer.from(text).equals(Buffer.from(UDEV_RULES_TEXT, 'utf8')) ? 'installed' : 'different';
    break;
  }
  if (ours === 'installed') return ours;
  for (const dir of UDEV_RULES_DIRS) {
    for (const name of await files.list(dir)) {
      if (name === UDEV_RULE_NAME || !name.endsWith('.rules')) continue;
      const text = await files.read(`${dir}/${name}`);
      if (text && grantsParticleAccess(Buffer.from(text).toString('utf8'))) return 'equivalent';
    }
  }
  return ours ?? 'missing';
}

/**
 * One authentication prompt for all of it. The rule text comes on stdin, not as a file path: the
 * AppImage's FUSE mount is not readable by root, and nothing the user controls lands in the script.
 */
const INSTALL_SCRIPT = [
  'umask 022',
  `mkdir -p /etc/udev/rules.d`,
  `cat > '${UDEV_RULES_PATH}'`,
  'udevadm control --reload-rules',
  'udevadm trigger --action=add --subsystem-match=usb --attr-match=idVendor=2b04',
].join(' && ');

export const UDEV_INSTALL_COMMAND = {
  command: 'pkexec',
  args: ['/bin/sh', '-c', INSTALL_SCRIPT] as readonly string[],
  stdin: UDEV_RULES_TEXT,
} as const;

/** What the app tells the user before asking for the administrator password. */
export const UDEV_EXPLANATION = {
  title: 'Linux needs a rule before the app can open Particle devices',
  message:
    'Linux only lets administrators open USB devices unless a udev rule says otherwise. Particle Rescue ' +
    `can install its rule at ${UDEV_RULES_PATH}: it lets your user open Particle devices (USB ` +
    'vendor 2b04) in normal and DFU mode and their serial port, and tells ModemManager to leave that ' +
    'port alone. It has a file of its own: a Particle CLI rule, if you have one, is left as it is. ' +
    'Your administrator password is asked once; then unplug and replug the device.',
  rule: UDEV_RULES_TEXT,
  manualFix: udevFix(),
} as const;

/** pkexec's own exit codes: the dialog was dismissed, or polkit said no / had no agent to ask. */
const PKEXEC_DISMISSED = 126;
const PKEXEC_NOT_AUTHORIZED = 127;

/**
 * The rule is offered by the app where nothing grants access yet: on Linux, when ours is missing or out
 * of date and no equivalent rule exists. (The deb ships the rule as a package file, so this is the
 * AppImage's path in practice.)
 */
export function shouldOfferUdevInstall(platform: NodeJS.Platform, status: UdevRuleStatus): boolean {
  return platform === 'linux' && (status === 'missing' || status === 'different');
}

/** Installs the rule through pkexec and checks it landed; throws RescueError with the manual way otherwise. */
export async function installUdevRule(exec: Exec, files: RuleFiles): Promise<void> {
  const { command, args, stdin } = UDEV_INSTALL_COMMAND;
  const result = await exec(command, args, stdin);
  if (result.code === null) {
    throw new RescueError(
      'USB_PERMISSION_DENIED',
      'pkexec is not available, so the app cannot ask for the administrator password to install the udev rule.',
      udevFix(),
    );
  }
  if (result.code === PKEXEC_DISMISSED || result.code === PKEXEC_NOT_AUTHORIZED) {
    throw new RescueError(
      'USB_PERMISSION_DENIED',
      'The udev rule was not installed: the administrator password was not given or not accepted.',
      `Try again and enter your password, or install the rule in a terminal:\n${udevFix()}`,
    );
  }
  if (result.code !== 0) {
    const detail = result.stderr.trim();
    throw new RescueError(
      'USB_PERMISSION_DENIED',
      `Installing the udev rule failed (exit code ${result.code}${detail ? `: ${detail}` : ''}).`,
      udevFix(),
    );
  }
  if ((await udevRuleStatus(files)) !== 'installed') {
    throw new RescueError(
      'USB_PERMISSION_DENIED',
      `The udev rule install reported success, but ${UDEV_RULES_PATH} does not hold the rule.`,
      udevFix(),
    );
  }
}
