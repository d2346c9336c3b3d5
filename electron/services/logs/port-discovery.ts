import { readdir, readFile, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SerialPort } from 'serialport';
import { deviceIdFromSerial } from '../../../shared/domain/platforms';

/** A USB CDC port of a Particle device (vendor 0x2b04); deviceId is the USB serial number. */
export interface ParticlePort {
  path: string;
  deviceId: string | null;
}

export interface ListedPort {
  path: string;
  vendorId?: string;
  serialNumber?: string;
}

export interface DiscoveryOptions {
  /** SerialPort.list(); on Linux it asks `udevadm`, which containers and minimal systems lack. */
  listPorts?: () => Promise<ListedPort[]>;
  sysRoot?: string;
  devRoot?: string;
  platform?: NodeJS.Platform;
}

const PARTICLE_VENDOR = '2b04';

async function readTrimmed(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return null;
  }
}

/**
 * Linux without udev: /sys/class/tty/ttyACMn/device is the CDC interface; its parent is the USB
 * device with idVendor and serial.
 */
async function scanSysfs(sysRoot: string, devRoot: string): Promise<ParticlePort[]> {
  let names: string[];
  try {
    names = (await readdir(join(sysRoot, 'class/tty'))).filter((n) => /^ttyACM\d+$/.test(n));
  } catch {
    return [];
  }
  const found: ParticlePort[] = [];
  for (const name of names) {
    let usbDevice: string;
    try {
      usbDevice = dirname(await realpath(join(sysRoot, 'class/tty', name, 'device')));
    } catch {
      continue;
    }
    const vendor = await readTrimmed(join(usbDevice, 'idVendor'));
    if (vendor?.toLowerCase() !== PARTICLE_VENDOR) continue;
    found.push({ path: join(devRoot, name), deviceId: deviceIdFromSerial(await readTrimmed(join(usbDevice, 'serial'))) });
  }
  return found;
}

/** Every Particle serial port: SerialPort.list() merged with the sysfs scan (either may miss some). */
export async function listParticlePorts(options: DiscoveryOptions = {}): Promise<ParticlePort[]> {
  const listPorts = options.listPorts ?? (() => SerialPort.list());
  let listed: ListedPort[] = [];
  try {
    listed = await listPorts();
  } catch {
    // udevadm missing or failing: the sysfs scan below still finds ports on Linux.
  }
  const byPath = new Map<string, ParticlePort>();
  for (const port of listed) {
    if (port.vendorId?.toLowerCase() !== PARTICLE_VENDOR) continue;
    byPath.set(port.path, { path: port.path, deviceId: deviceIdFromSerial(port.serialNumber) });
  }
  if ((options.platform ?? process.platform) === 'linux') {
    for (const port of await scanSysfs(options.sysRoot ?? '/sys', options.devRoot ?? '/dev')) {
      const known = byPath.get(port.path);
      if (!known || (!known.deviceId && port.deviceId)) byPath.set(port.path, port);
    }
  }
  return [...byPath.values()];
}
