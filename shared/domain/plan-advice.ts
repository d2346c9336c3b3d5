import type { Assessment } from './plan-assess';

const GEN2_WIFI =
  'While the LED blinks dark blue, give the device your Wi-Fi name and password: with the Particle CLI run ' +
  '`particle serial wifi` and answer its questions (2.4 GHz networks only).';
const GEN3_WIFI =
  'Give the device your Wi-Fi name and password: with the Particle CLI run `particle wifi add` to store a network, ' +
  'or `particle wifi join` to store it and connect right away (2.4 GHz networks only).';
const SETUP_DONE = ' If it still blinks dark blue afterwards on older Device OS, run `particle usb setup-done`.';
const CELLULAR =
  'A cellular device that waits in listening mode usually cannot use its SIM card: check that the SIM is seated and ' +
  'activated in the Particle Console, attach the antenna (and the battery on 2G/3G models), then unplug everything ' +
  'for a few seconds and power it up again.';
const UNKNOWN =
  'The device is waiting in listening mode (blinking dark blue) for network setup. Wi-Fi devices: run ' +
  '`particle serial wifi` (Photon, P1) or `particle wifi add` / `particle wifi join` (Argon, P2, Photon 2). ' +
  'Cellular devices: check the SIM card and antenna.';

/** What the user has to do to get the device onto its network, in words that fit its platform. */
export function networkAdvice(a: Pick<Assessment, 'network' | 'generation'>): string {
  if (a.network === 'cellular') return CELLULAR;
  if (a.network === 'unknown' || a.generation === null) return UNKNOWN;
  if (a.generation <= 2) return GEN2_WIFI;
  return a.generation === 3 ? GEN3_WIFI + SETUP_DONE : GEN3_WIFI;
}
