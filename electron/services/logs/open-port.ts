import { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import { LabSerialBinding } from '../../lab/serial/lab-binding';
import { isLabPortPath } from '../../lab/serial/lab-serial-port';
import { RescueError } from '../../../shared/errors';

/** USB CDC ignores the rate for data; 14400 and 28800 are avoided because Device OS treats them as commands. */
export const LOG_BAUD = 115200;

export function serialError(path: string, error: unknown): RescueError {
  const reason = error instanceof Error ? error.message : String(error);
  const permission = /permission|EACCES/i.test(reason);
  return new RescueError(
    'SERIAL_UNAVAILABLE',
    `The serial port ${path} could not be opened (${reason}).`,
    permission
      ? 'Allow access to the port: on Linux install the Particle udev rule (or add yourself to the dialout group), then replug the device.'
      : 'Close other programs that use the port (particle serial monitor, screen, an IDE), then replug the device and try again.',
  );
}

/** Virtual devices' `lab:<deviceId>` ports go through the lab's binding, everything else to the OS. */
export async function openPort(path: string, baudRate: number): Promise<SerialPortStream> {
  const port = isLabPortPath(path)
    ? new SerialPortStream({ binding: LabSerialBinding, path, baudRate, autoOpen: false })
    : new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(serialError(path, error)) : resolve())));
  return port;
}

/** What the log stream needs of an open port (SerialPort satisfies it; tests pass a fake). */
export interface LogPort {
  readonly isOpen: boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  close(callback: (error?: Error | null) => void): void;
}

export async function closePort(port: LogPort): Promise<void> {
  if (!port.isOpen) return;
  await new Promise<void>((resolve) => port.close(() => resolve()));
}
