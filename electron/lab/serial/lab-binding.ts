import type { BindingInterface, BindingPortInterface, OpenOptions, PortInfo, PortStatus, SetOptions, UpdateOptions } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { findLabPort, type HostConnection, type LabSerialPort, presentLabPorts } from './lab-serial-port';

class CanceledError extends Error {
  readonly canceled = true;
}

const OPEN_DEFAULTS = { dataBits: 8, lock: true, stopBits: 1, parity: 'none', rtscts: false, xon: false, xoff: false, xany: false, hupcl: true } as const;

/** An open `lab:<deviceId>` port as serialport's stream sees it (the host end of a virtual CDC port). */
export class LabPortBinding implements BindingPortInterface, HostConnection {
  readonly openOptions: Required<OpenOptions>;
  isOpen = true;
  private hungUp = false;
  private waiting: { wake: () => void; fail: (error: Error) => void } | null = null;

  constructor(
    private readonly port: LabSerialPort,
    options: OpenOptions,
  ) {
    this.openOptions = { ...OPEN_DEFAULTS, ...options } as Required<OpenOptions>;
    port.attachHost(this, options.baudRate);
  }

  dataAvailable(): void {
    this.waiting?.wake();
  }

  hangup(): void {
    this.hungUp = true;
    this.waiting?.fail(new Error(`the virtual device dropped ${this.port.path} (reset, DFU mode or unplugged)`));
  }

  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.port.detachHost(this);
    this.waiting?.fail(new CanceledError('port is closed'));
  }

  async read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    for (;;) {
      if (!this.isOpen) throw new CanceledError('port is closed');
      if (this.hungUp) throw new Error(`the virtual device dropped ${this.port.path}`);
      const data = this.port.takeForHost(length);
      if (data) return { buffer, bytesRead: data.copy(buffer, offset) };
      await new Promise<void>((resolve, reject) => {
        this.waiting = {
          wake: () => {
            this.waiting = null;
            resolve();
          },
          fail: (error) => {
            this.waiting = null;
            reject(error);
          },
        };
      });
    }
  }

  async write(buffer: Buffer): Promise<void> {
    this.assertUsable();
    this.port.fromHost(Buffer.from(buffer));
  }

  async update(options: UpdateOptions): Promise<void> {
    this.assertUsable();
    this.openOptions.baudRate = options.baudRate;
    this.port.lineCoding(options.baudRate);
  }

  async set(_options: SetOptions): Promise<void> {
    this.assertUsable();
  }

  async get(): Promise<PortStatus> {
    this.assertUsable();
    return { cts: true, dsr: true, dcd: true };
  }

  async getBaudRate(): Promise<{ baudRate: number }> {
    this.assertUsable();
    return { baudRate: this.openOptions.baudRate };
  }

  async flush(): Promise<void> {
    this.assertUsable();
  }

  async drain(): Promise<void> {
    this.assertUsable();
  }

  private assertUsable(): void {
    if (!this.isOpen) throw new Error('Port is not open');
    if (this.hungUp) throw new Error(`the virtual device dropped ${this.port.path}`);
  }
}

/**
 * serialport binding for virtual devices' ports (`lab:<deviceId>`): the real SerialPortStream, and so
 * the app's serial code, runs on them unchanged; no pty, no socat.
 */
export const LabSerialBinding: BindingInterface<LabPortBinding> = {
  async list(): Promise<PortInfo[]> {
    return presentLabPorts().map((p) => p.info());
  },
  async open(options: OpenOptions): Promise<LabPortBinding> {
    if (!options?.path) throw new TypeError('"path" is not a valid port');
    if (!options.baudRate) throw new TypeError('"baudRate" is not a valid baudRate');
    await new Promise((resolve) => setImmediate(resolve));
    const port = findLabPort(options.path);
    if (!port) throw new Error(`No such file or directory, cannot open ${options.path}`);
    return new LabPortBinding(port, options);
  },
};
