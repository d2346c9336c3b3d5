/**
 * The udev rules Particle Rescue installs on Linux, byte for byte the same as
 * resources/linux/50-particle.rules (the deb installs that file; the AppImage writes this text). The
 * installed copy is compared byte for byte, so an edit here must be made in both places: a test checks.
 */
export const PARTICLE_UDEV_RULES_PATH = '/etc/udev/rules.d/50-particle-rescue.rules';

export const PARTICLE_UDEV_RULES = [
  '# Particle Rescue: USB access to Particle devices (vendor 0x2b04) without root.',
  '# Product 0xc0nn is a device in normal or listening mode, 0xd0nn the same platform in DFU mode.',
  '# TAG+="uaccess" gives the user at the local seat access; GROUP="plugdev" covers headless rescue',
  '# stations whose service user is in that group. ModemManager must leave the USB serial port alone,',
  '# or it grabs the port while the app is reading logs or sending the listening-mode baud rate.',
  'SUBSYSTEMS=="usb", ATTRS{idVendor}=="2b04", ATTRS{idProduct}=="[cd]0??", MODE="0660", GROUP="plugdev", TAG+="uaccess", ENV{ID_MM_DEVICE_IGNORE}="1"',
  '',
].join('\n');
