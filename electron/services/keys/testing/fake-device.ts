import type { CloudProfile } from '../../../../shared/contract/cloud';
import { DCT_SIZE, KEY_SLOTS } from '../../../../shared/domain/dct-layout';
import type { CloudProtocol } from '../../../../shared/domain/platforms';
import { RescueError } from '../../../../shared/errors';
import type { OperationContext } from '../../operations/operation-runner';
import type { AttachedDevice } from '../../usb/attached-device';
import { analyzePrivateKeySlot, bytesEqual } from '../key-formats';
import type { KeyCloudPort, KeyDevicesPort, KeyDfuPort, KeyDfuSession } from '../ports';
import { buildServerKeySlot } from '../server-key';

/**
 * A small in-memory stand-in for a device + cloud, for unit tests of the repair logic only (the
 * lab tests prove the real protocol). Counts transfers so faults can be injected at any of them.
 */
export class FakeKeyRig {
  dct = new Uint8Array(DCT_SIZE).fill(0xff);
  mode: 'normal' | 'dfu' | 'gone' = 'normal';
  protectedDevice = false;
  cloudOnline = true;
  cloudKey: string | null = null;
  transfers = 0;
  enumerations = 0;
  sessionsOpened = 0;
  failAtTransfer: number | null = null;
  readonly protocol: CloudProtocol;

  constructor(
    readonly deviceId: string,
    readonly platformId: number,
    readonly profile: CloudProfile,
  ) {
    this.protocol = platformId === 6 || platformId === 8 ? 'tcp' : 'udp';
  }

  setPrivateKey(der: Uint8Array | null): void {
    const slot = KEY_SLOTS[this.protocol].privateKey;
    this.dct.fill(0xff, slot.offset, slot.offset + slot.length);
    if (der) this.dct.set(der, slot.offset);
  }

  setServerKeyForProfile(): void {
    const spki = this.profile.serverKeys[this.protocol];
    const slot = buildServerKeySlot(this.protocol, spki ? new Uint8Array(Buffer.from(spki, 'base64')) : null, this.profile.serverAddress[this.protocol] ?? null);
    this.dct.set(slot, KEY_SLOTS[this.protocol].serverKey.offset);
  }

  privateKeySha(): string | null {
    const layout = KEY_SLOTS[this.protocol].privateKey;
    return analyzePrivateKeySlot(this.dct.subarray(layout.offset, layout.offset + layout.length), this.protocol).publicKeySha256;
  }

  /** Online when the device runs, its key is the one the cloud holds, and it trusts the profile's server. */
  connected(): boolean {
    if (this.mode !== 'normal') return false;
    const layout = KEY_SLOTS[this.protocol].serverKey;
    const spki = this.profile.serverKeys[this.protocol];
    const want = buildServerKeySlot(this.protocol, spki ? new Uint8Array(Buffer.from(spki, 'base64')) : null, this.profile.serverAddress[this.protocol] ?? null);
    return this.privateKeySha() !== null && this.privateKeySha() === this.cloudKey && bytesEqual(this.dct.subarray(layout.offset, layout.offset + layout.length), want);
  }

  private transfer(): void {
    this.transfers++;
    if (this.failAtTransfer !== null && this.transfers === this.failAtTransfer) {
      this.failAtTransfer = null;
      // An unplug mid-transfer: the device drops off USB and boots into its firmware when it comes back.
      this.mode = 'normal';
      this.enumerations++;
      throw new RescueError('DEVICE_GONE', 'The device disappeared (injected).', 'Plug it back in.');
    }
  }

  private attached(): AttachedDevice {
    if (this.mode === 'gone') throw new RescueError('DEVICE_NOT_FOUND', 'gone', 'plug it in');
    return { deviceId: this.deviceId, platformId: this.platformId, usbMode: this.mode, usb: {} as AttachedDevice['usb'], virtual: true, scenario: null };
  }

  devices(): KeyDevicesPort {
    return {
      find: async () => this.attached(),
      waitFor: async () => this.attached(),
      control: () => ({ cloudStatus: async () => (this.connected() ? 'connected' : 'connecting') }),
    };
  }

  dfu(): KeyDfuPort {
    const enter = async (): Promise<void> => {
      if (this.mode === 'dfu') return;
      this.transfer();
      this.mode = 'dfu';
      this.enumerations++;
    };
    return {
      enterDfu: enter,
      openSession: async (_id: string, _ctx: OperationContext): Promise<KeyDfuSession> => {
        await enter();
        this.sessionsOpened++;
        let open = true;
        const usable = (): void => {
          if (!open || this.mode !== 'dfu') throw new RescueError('DEVICE_GONE', 'session closed', 'reopen');
        };
        return {
          isProtected: this.protectedDevice,
          read: async (_alt, address, length) => {
            usable();
            this.transfer();
            return this.dct.slice(address, address + length);
          },
          write: async (_alt, address, data) => {
            usable();
            this.transfer();
            this.dct.set(data, address);
          },
          leave: async () => {
            usable();
            this.transfer();
            open = false;
            this.mode = 'normal';
            this.enumerations++;
          },
          close: async () => {
            open = false;
          },
        };
      },
    };
  }

  cloud(): KeyCloudPort {
    return {
      activeProfile: async () => this.profile,
      uploadPublicKey: async (request) => {
        if (!this.cloudOnline) throw new RescueError('CLOUD_UNREACHABLE', 'The cloud cannot be reached (injected).', 'Check the network.');
        const { createHash, createPublicKey } = await import('node:crypto');
        const spki = createPublicKey(request.publicKeyPem).export({ type: 'spki', format: 'der' });
        this.cloudKey = createHash('sha256').update(spki).digest('hex');
      },
      deviceStatus: async () => ({ online: this.connected(), connected: this.connected() }),
    };
  }
}
