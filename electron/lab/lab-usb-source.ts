import type { UsbSource, UsbSourceDevice } from '../services/usb/usb-source';
import type { UsbDeviceLike } from '../services/usb/webusb';
import type { VirtualParticleDevice } from './device/virtual-particle-device';

type Listener = Parameters<UsbSource['onChange']>[0];

/**
 * The lab as a USB bus: lists the current faces of attached virtual devices and reports every
 * re-enumeration as detach (old face) + attach (new face), as a hot-plug monitor would.
 */
export class LabUsbSource implements UsbSource {
  private readonly listeners = new Set<Listener>();
  private readonly unhook = new Map<string, () => void>();

  constructor(private readonly devices: () => VirtualParticleDevice[]) {}

  async list(): Promise<UsbSourceDevice[]> {
    return this.devices()
      .filter((d) => d.usb !== null)
      .map((d) => this.entry(d, d.usb!));
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  problem(): null {
    return null;
  }

  /** Follow a device's faces; call before its first boot so the initial attach is reported. */
  track(device: VirtualParticleDevice): void {
    const onAttach = (usb: UsbDeviceLike) => this.emit('attach', this.entry(device, usb));
    const onDetach = (usb: UsbDeviceLike) => this.emit('detach', this.entry(device, usb));
    device.events.on('enumerate', onAttach);
    device.events.on('detach', onDetach);
    this.unhook.set(device.deviceId, () => {
      device.events.off('enumerate', onAttach);
      device.events.off('detach', onDetach);
    });
  }

  untrack(deviceId: string): void {
    this.unhook.get(deviceId)?.();
    this.unhook.delete(deviceId);
  }

  private entry(device: VirtualParticleDevice, usb: UsbDeviceLike): UsbSourceDevice {
    return { device: usb, virtual: true, scenario: device.scenario };
  }

  private emit(kind: 'attach' | 'detach', device: UsbSourceDevice): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ kind, device });
      } catch {
        // A failing listener must not stop the others from hearing about the device.
      }
    }
  }
}
