import { RescueError } from '../../../shared/errors';
import type { SerialAccess, SerialPortRef } from '../usb/usb-source';
import { closePort, openPort } from './open-port';
import { listParticlePorts, type DiscoveryOptions } from './port-discovery';

/** Serial ports of real hardware, matched to devices by USB serial number (= device ID). */
export class RealSerialAccess implements SerialAccess {
  constructor(private readonly discovery: DiscoveryOptions = {}) {}

  async locate(deviceId: string): Promise<SerialPortRef | null> {
    const port = (await listParticlePorts(this.discovery)).find((p) => p.deviceId === deviceId);
    return port ? { path: port.path, virtual: false } : null;
  }

  async touchBaud(deviceId: string, baud: number): Promise<void> {
    const ref = await this.locate(deviceId);
    if (!ref) {
      throw new RescueError(
        'SERIAL_UNAVAILABLE',
        `Device ${deviceId} has no USB serial port.`,
        'Gen 3 and newer devices only have one when the application calls Serial.begin(). Use the button sequence instead.',
      );
    }
    // Setting the line coding is the whole signal; the device may reset and drop the port at once.
    const port = await openPort(ref.path, baud);
    await closePort(port);
  }
}
