/**
 * The Linux udev rule that gives the desktop user access to Particle devices (recovery-procedures.md §7):
 * vendor 2b04 with every normal (c0xx) and DFU (d0xx) product id, plus the Spark Core ids.
 * `SUBSYSTEMS` (plural) matches the device's whole ancestry, so the USB device and its CDC serial port
 * (ttyACM, a child of the USB interface) are both covered; `uaccess` gives the person at the seat
 * access without a group; ModemManager is told to keep off the serial port.
 *
 * The file has a name of its own: the Particle CLI installs `50-particle.rules`, and neither tool may
 * overwrite or delete the other's. 70 sorts before systemd's 73-seat-late.rules, which turns the
 * uaccess tag into an ACL.
 */
export const UDEV_RULE_NAME = '70-particle-rescue.rules';

/** Where the deb puts the rule: a package file, owned and removed by dpkg. */
export const UDEV_PACKAGED_PATH = `/usr/lib/udev/rules.d/${UDEV_RULE_NAME}`;

/** Where the app itself installs it (AppImage, or by hand): the administrator's rules folder. */
export const UDEV_RULES_PATH = `/etc/udev/rules.d/${UDEV_RULE_NAME}`;

/** udev's rule folders in the order it lets a file of the same name override another. */
export const UDEV_RULES_DIRS = ['/etc/udev/rules.d', '/run/udev/rules.d', '/usr/lib/udev/rules.d', '/lib/udev/rules.d'] as const;

export const UDEV_RULES_TEXT = [
  '# Particle Rescue: Particle devices in normal (c0xx) and DFU (d0xx) mode, and their serial port',
  'SUBSYSTEMS=="usb", ATTRS{idVendor}=="2b04", ATTRS{idProduct}=="[cd]0??", TAG+="uaccess", MODE="0666", ENV{ID_MM_DEVICE_IGNORE}="1"',
  '# Spark Core (legacy)',
  'SUBSYSTEMS=="usb", ATTRS{idVendor}=="1d50", ATTRS{idProduct}=="607[df]", TAG+="uaccess", MODE="0666", ENV{ID_MM_DEVICE_IGNORE}="1"',
  '',
].join('\n');

/**
 * Whether a rules file already lets a normal user open every current Particle device, as the Particle
 * CLI's rule does: a rule line for vendor 2b04 whose product pattern covers all of c0xx/d0xx and that
 * opens the device to everyone (MODE 0666) or to the seat's user (uaccess). A group-only rule does not
 * count: the app cannot tell whether the user is in that group.
 */
export function grantsParticleAccess(rulesText: string): boolean {
  return rulesText.split('\n').some((raw) => {
    const line = raw.trim();
    if (line.startsWith('#') || !/ATTRS\{idVendor\}=="2b04"/.test(line)) return false;
    const product = /ATTRS\{idProduct\}=="([^"]*)"/.exec(line)?.[1];
    if (product !== undefined && product !== '[cd]0??') return false;
    return /MODE="0666"/.test(line) || /TAG\+="uaccess"/.test(line);
  });
}

/** What to tell a Linux user who got LIBUSB_ERROR_ACCESS. */
export function udevFix(): string {
  return (
    `Install the Particle Rescue udev rule, then unplug and replug the device:\n` +
    `sudo tee ${UDEV_RULES_PATH} > /dev/null <<'EOF'\n${UDEV_RULES_TEXT}EOF\n` +
    `sudo udevadm control --reload-rules && sudo udevadm trigger`
  );
}
