/**
 * The Linux udev rule that gives a desktop user access to Particle devices (recovery-procedures.md §7):
 * vendor 2b04 with every normal (c0xx) and DFU (d0xx) product id, plus the Spark Core ids, and
 * ModemManager told to keep off the CDC port. The deb installer ships exactly this text.
 */
export const UDEV_RULES_PATH = '/etc/udev/rules.d/50-particle.rules';

export const UDEV_RULES_TEXT = [
  '# Particle devices in normal (c0xx) and DFU (d0xx) mode',
  'SUBSYSTEM=="usb", ATTRS{idVendor}=="2b04", ATTRS{idProduct}=="[cd]0??", MODE="0666", GROUP="plugdev", ENV{ID_MM_DEVICE_IGNORE}="1"',
  '# Spark Core (legacy)',
  'SUBSYSTEM=="usb", ATTRS{idVendor}=="1d50", ATTRS{idProduct}=="607[df]", MODE="0666", GROUP="plugdev", ENV{ID_MM_DEVICE_IGNORE}="1"',
  '',
].join('\n');

/** What to tell a Linux user who got LIBUSB_ERROR_ACCESS. */
export function udevFix(): string {
  return (
    `Install the Particle udev rule, then unplug and replug the device:\n` +
    `sudo tee ${UDEV_RULES_PATH} > /dev/null <<'EOF'\n${UDEV_RULES_TEXT}EOF\n` +
    `sudo udevadm control --reload-rules && sudo udevadm trigger`
  );
}
