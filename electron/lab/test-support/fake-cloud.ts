import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { CloudProtocol } from '../../../shared/domain/platforms';
import type { HandshakeResult, VirtualCloudLike } from '../cloud-link';

/** A minimal cloud for lab tests: own server keys, a key registry, an online set. */
export class FakeCloud implements VirtualCloudLike {
  readonly online = new Set<string>();
  readonly registered = new Map<string, { platformId: number; publicKeySpki: Uint8Array | null }>();
  private readonly keys: Record<CloudProtocol, Uint8Array>;

  constructor(readonly port = 45683) {
    const spki = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) => Uint8Array.from(key.export({ type: 'spki', format: 'der' }));
    this.keys = {
      tcp: spki(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey),
      udp: spki(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey),
    };
  }

  serverPublicKeySpki(protocol: CloudProtocol): Uint8Array {
    return this.keys[protocol];
  }

  serverAddress(protocol: CloudProtocol): { host: string; port: number } {
    return { host: '127.0.0.1', port: protocol === 'tcp' ? this.port : this.port + 1 };
  }

  registerDevice(deviceId: string, info: { platformId: number; publicKeySpki: Uint8Array | null }): void {
    this.registered.set(deviceId, info);
  }

  handshake(deviceId: string, protocol: CloudProtocol, devicePublicKeySpki: Uint8Array, serverKey: Uint8Array): HandshakeResult {
    if (!sameKey(serverKey, this.keys[protocol])) return 'server-key-mismatch';
    const known = this.registered.get(deviceId);
    if (!known || !known.publicKeySpki) return 'unknown-device';
    return sameKey(known.publicKeySpki, devicePublicKeySpki) ? 'ok' : 'device-key-mismatch';
  }

  setOnline(deviceId: string, online: boolean): void {
    if (online) this.online.add(deviceId);
    else this.online.delete(deviceId);
  }
}

/** Compare public keys as keys (not as text): both parse and export to the same SPKI. */
function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  try {
    const ka = createPublicKey({ key: Buffer.from(a), format: 'der', type: 'spki' });
    const kb = createPublicKey({ key: Buffer.from(b), format: 'der', type: 'spki' });
    return ka.equals(kb);
  } catch {
    return false;
  }
}
