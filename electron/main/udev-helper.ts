/**
 * Linux: whether the Particle udev rule is in place, and installing it with pkexec when the app runs
 * as an AppImage (the deb installs it itself). The first USB_PERMISSION_DENIED on Linux is the moment
 * to explain the rule and offer the install. File access and process start are injected, so this
 * holds no Electron and no real system call.
 */
import { RescueError } from '../../shared/errors';
import { UDEV_RULES_PATH, UDEV_RULES_TEXT, udevFix } from '../services/usb/udev-rule';

export type UdevRuleStatus = 'installed' | 'missing' | 'different';

/** Reads a file; resolves null when it does not exist. */
export type ReadFileBytes = (path: string) => Promise<Uint8Array | null>;

export interface ExecResult {
  /** Exit code; null when the program could not be started (e.g. pkexec not installed). */
  code: number | null;
  stderr: string;
}

/** Starts `command` with `args`, writes `stdin` to it and waits for it to end. */
export type Exec = (command: string, args: readonly string[], stdin: string) => Promise<ExecResult>;

/**
 * Compared byte for byte, like the Particle CLI does: an older or edited copy counts as different
 * and the install is offered again.
 */
export async function udevRuleStatus(readFile: ReadFileBytes): Promise<UdevRuleStatus> {
  const installed = await readFile(UDEV_RULES_PATH);
  if (installed === null) return 'missing';
  return Buffer.from(installed).equals(Buffer.from(UDEV_RULES_TEXT, 'utf8')) ? 'installed' : 'different';
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
    `can install the Particle rule at ${UDEV_RULES_PATH}: it lets your user open Particle devices (USB ` +
    'vendor 2b04) in normal and DFU mode and tells ModemManager to leave their serial port alone. ' +
    'Your administrator password is asked once; then unplug and replug the device.',
  rule: UDEV_RULES_TEXT,
  manualFix: udevFix(),
} as const;

/** pkexec's own exit codes: the dialog was dismissed, or polkit said no / had no agent to ask. */
const PKEXEC_DISMISSED = 126;
const PKEXEC_NOT_AUTHORIZED = 127;

/**
 * The rule is offered by the app where the package manager did not install it: on Linux, when it is
 * missing or out of date. (The deb's postinst installs it, so this is the AppImage's path in practice.)
 */
export function shouldOfferUdevInstall(platform: NodeJS.Platform, status: UdevRuleStatus): boolean {
  return platform === 'linux' && status !== 'installed';
}

/** Installs the rule through pkexec and checks it landed; throws RescueError with the manual way otherwise. */
export async function installUdevRule(exec: Exec, readFile: ReadFileBytes): Promise<void> {
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
  if ((await udevRuleStatus(readFile)) !== 'installed') {
    throw new RescueError(
      'USB_PERMISSION_DENIED',
      `The udev rule install reported success, but ${UDEV_RULES_PATH} does not hold the rule.`,
      udevFix(),
    );
  }
}
