import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listParticlePorts } from './port-discovery';
import { RealSerialAccess } from './real-serial-access';

const PHOTON = '0123456789abcdef01234567';
const ARGON = 'e00fce68ffffffffffffffff';

/** A sysfs tree like the kernel's: ttyACMn/device → the CDC interface inside the USB device folder. */
async function fakeUsbTty(sysRoot: string, tty: string, vendor: string, serial: string): Promise<void> {
  const usbDevice = join(sysRoot, 'devices/pci0000:00/usb1', `1-${tty}`);
  const iface = join(usbDevice, `1-${tty}:1.0`);
  await mkdir(iface, { recursive: true });
  await writeFile(join(usbDevice, 'idVendor'), `${vendor}\n`);
  await writeFile(join(usbDevice, 'serial'), `${serial}\n`);
  await mkdir(join(sysRoot, 'class/tty', tty), { recursive: true });
  await symlink(iface, join(sysRoot, 'class/tty', tty, 'device'));
}

describe('listParticlePorts', () => {
  let sysRoot: string;
  beforeEach(async () => {
    sysRoot = await mkdtemp(join(tmpdir(), 'sysfs-'));
  });
  afterEach(async () => {
    await rm(sysRoot, { recursive: true, force: true });
  });

  it('falls back to sysfs when udevadm is missing', async () => {
    await fakeUsbTty(sysRoot, 'ttyACM0', '2b04', PHOTON.toUpperCase());
    await fakeUsbTty(sysRoot, 'ttyACM1', '2341', 'arduino');
    await mkdir(join(sysRoot, 'class/tty/ttyS0'), { recursive: true });
    const listPorts = () => Promise.reject(new Error('spawn udevadm ENOENT'));
    const ports = await listParticlePorts({ listPorts, sysRoot, devRoot: '/dev', platform: 'linux' });
    expect(ports).toEqual([{ path: '/dev/ttyACM0', deviceId: PHOTON }]);
  });

  it('takes SerialPort.list() results by vendor and merges the sysfs scan', async () => {
    await fakeUsbTty(sysRoot, 'ttyACM3', '2b04', ARGON);
    const listPorts = async () => [
      { path: '/dev/ttyACM2', vendorId: '2B04', serialNumber: PHOTON },
      { path: '/dev/ttyUSB0', vendorId: '0403', serialNumber: 'FTDI' },
      { path: '/dev/ttyACM3' },
    ];
    const ports = await listParticlePorts({ listPorts, sysRoot, devRoot: '/dev', platform: 'linux' });
    expect(ports).toEqual([
      { path: '/dev/ttyACM2', deviceId: PHOTON },
      { path: '/dev/ttyACM3', deviceId: ARGON },
    ]);
  });

  it('does not scan sysfs off Linux', async () => {
    await fakeUsbTty(sysRoot, 'ttyACM0', '2b04', PHOTON);
    expect(await listParticlePorts({ listPorts: async () => [], sysRoot, platform: 'darwin' })).toEqual([]);
  });

  it('RealSerialAccess locates a device by its serial number and explains a missing port', async () => {
    await fakeUsbTty(sysRoot, 'ttyACM0', '2b04', PHOTON);
    const access = new RealSerialAccess({ listPorts: async () => [], sysRoot, devRoot: '/dev', platform: 'linux' });
    expect(await access.locate(PHOTON)).toEqual({ path: '/dev/ttyACM0', virtual: false });
    expect(await access.locate(ARGON)).toBeNull();
    await expect(access.touchBaud(ARGON, 14400)).rejects.toMatchObject({ code: 'SERIAL_UNAVAILABLE' });
  });
});
