import type { CloudProtocol } from '../../shared/domain/platforms';

export type HandshakeResult = 'ok' | 'device-key-mismatch' | 'server-key-mismatch' | 'unknown-device';

/**
 * What a virtual device needs from a (virtual) Particle Cloud. The lab's VirtualCloud implements it;
 * a device comes online only when the cloud holds its public key and it uses this cloud's server key.
 */
export interface VirtualCloudLike {
  serverPublicKeySpki(protocol: CloudProtocol): Uint8Array;
  serverAddress(protocol: CloudProtocol): { host: string; port: number };
  registerDevice(deviceId: string, info: { platformId: number; publicKeySpki: Uint8Array | null }): void;
  handshake(
    deviceId: string,
    protocol: CloudProtocol,
    devicePublicKeySpki: Uint8Array,
    serverKeySpkiUsedByDevice: Uint8Array,
    serverHost: string,
  ): HandshakeResult;
  setOnline(deviceId: string, online: boolean): void;
}
