import { type DeviceOsRelease, RELEASES } from './firmware-sets';

/** How a scenario's keys relate to the cloud it is attached to. */
export type DeviceKeyState = 'matching' | 'cloud-has-other-key' | 'blank';
export type ServerKeyState = 'this-cloud' | 'other-server' | 'blank';

export interface ScenarioDef {
  name: string;
  title: string;
  description: string;
  platformId: number;
  release: DeviceOsRelease;
  deviceKey: DeviceKeyState;
  serverKey: ServerKeyState;
  wifi: boolean;
  deviceProtection: boolean;
  /** Byte damage to a module: which slot (function/index). */
  damage?: { function: 'systemPart' | 'userPart'; index: number };
}

const healthy = { deviceKey: 'matching', serverKey: 'this-cloud', wifi: true, deviceProtection: false } as const;

export const SCENARIOS: readonly ScenarioDef[] = [
  {
    name: 'photon-healthy',
    title: 'Healthy Photon',
    description: 'Photon on Device OS 2.3.1 with matching keys: connects and breathes cyan.',
    platformId: 6,
    release: RELEASES['2.3.1'],
    ...healthy,
  },
  {
    name: 'photon-seed',
    title: 'Photon with a key the cloud does not know',
    description: 'The device key no longer matches the one the cloud holds: blinking cyan with red flashes.',
    platformId: 6,
    release: RELEASES['2.3.1'],
    ...healthy,
    deviceKey: 'cloud-has-other-key',
  },
  {
    name: 'photon-blank-keys',
    title: 'Photon with erased key slots',
    description: 'Private-key and server-key slots are blank (0xFF): the firmware generates a key the cloud rejects and falls back to the production server.',
    platformId: 6,
    release: RELEASES['2.3.1'],
    ...healthy,
    deviceKey: 'blank',
    serverKey: 'blank',
  },
  {
    name: 'photon-private-cloud',
    title: 'Photon pointed at another server',
    description: 'Server key and address belong to a private cloud: internet reachable, cloud not (3 orange flashes).',
    platformId: 6,
    release: RELEASES['2.3.1'],
    ...healthy,
    serverKey: 'other-server',
  },
  {
    name: 'photon-no-wifi',
    title: 'Photon without Wi-Fi credentials',
    description: 'No stored access point: listening mode (blinking blue) on every boot.',
    platformId: 6,
    release: RELEASES['2.3.1'],
    ...healthy,
    wifi: false,
  },
  {
    name: 'photon-bad-system',
    title: 'Photon with a corrupt system part 2',
    description: 'System part 2 fails its CRC: the bootloader stays in DFU and the DCT is not reachable over DFU until Device OS is restored.',
    platformId: 6,
    release: RELEASES['2.3.1'],
    ...healthy,
    damage: { function: 'systemPart', index: 2 },
  },
  {
    name: 'photon-old-os',
    title: 'Photon on Device OS 0.6.4',
    description: 'Firmware older than the control requests for reset/DFU/safe mode: only the 14400/28800 baud trick or the buttons work.',
    platformId: 6,
    release: RELEASES['0.6.4'],
    ...healthy,
  },
  {
    name: 'photon-protected',
    title: 'Photon 2 with Device Protection',
    description: 'A Photon 2 (P2) on Device OS 6.2.0 with Device Protection on: DFU memories are not readable or writable.',
    platformId: 32,
    release: RELEASES['6.2.0'],
    ...healthy,
    deviceProtection: true,
  },
  {
    name: 'electron-seed',
    title: 'Electron with a mismatched EC key',
    description: 'Electron (UDP, EC P-256 keys) whose device key does not match the cloud: blinking cyan with red flashes.',
    platformId: 10,
    release: RELEASES['2.3.1'],
    ...healthy,
    wifi: false,
    deviceKey: 'cloud-has-other-key',
  },
  {
    name: 'argon-seed',
    title: 'Argon with a mismatched EC key',
    description: 'Gen 3 Argon on Device OS 4.2.0 whose device key does not match the cloud.',
    platformId: 12,
    release: RELEASES['4.2.0'],
    ...healthy,
    deviceKey: 'cloud-has-other-key',
  },
  {
    name: 'photon-wifi-lost',
    title: 'Photon whose Wi-Fi profiles were erased',
    description: 'A flash rewrote the configuration area and took the stored networks with it: keys are fine, but the Photon comes up in listening mode (blinking blue) after every boot until Wi-Fi credentials are entered over USB.',
    platformId: 6,
    release: RELEASES['2.3.1'],
    ...healthy,
    wifi: false,
  },
];

export function scenarioDef(name: string): ScenarioDef | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
