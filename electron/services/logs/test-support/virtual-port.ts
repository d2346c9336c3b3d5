import { LabSerialPort } from '../../../lab/serial/lab-serial-port';
import { socatAvailable } from '../../../lab/serial/pty-pair';
import { openPtyPair } from './pty-pair';

/** A stand-in USB CDC port for tests: tests write Device OS output, the service opens `hostEnd`. */
export interface TestPort {
  hostEnd: string;
  /** Device → host, in order; waits for the reader so a flood is not dropped by the port's bound. */
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

let count = 0;
const CHUNK = 16 * 1024;

/** A `lab:` port through the lab's serialport binding: needs nothing but npm packages. */
export function openVirtualPort(): TestPort {
  const id = (++count).toString(16).padStart(24, 'e');
  const port = new LabSerialPort({ deviceId: id, vendorId: 0x2b04, productId: 0xc006, productName: 'Photon' });
  port.link.present(true);
  return {
    hostEnd: port.path,
    async write(text) {
      for (let i = 0; i < text.length; i += CHUNK) {
        port.link.write(text.slice(i, i + CHUNK));
        while (port.opened && port.link.stats().bufferedBytes > 0) await new Promise((r) => setTimeout(r, 1));
      }
    },
    close: () => port.link.close(),
  };
}

export const SOCAT_MISSING = 'socat is not installed (optional: apt-get install socat); the lab binding covers the same code';

/** A real pty pair from socat (the optional transport), or null when socat is absent. */
export async function openSocatPort(): Promise<TestPort | null> {
  if (!socatAvailable()) return null;
  const pair = await openPtyPair();
  return { hostEnd: pair.hostEnd, write: (text) => pair.write(text), close: () => pair.close() };
}
