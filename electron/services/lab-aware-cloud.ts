import type { CloudProfile } from '../../shared/contract/cloud';
import type { CloudService } from './cloud/cloud-service';

/**
 * Virtual devices belong to the virtual cloud, hardware to the user's cloud profile: a virtual device
 * repaired in the desktop app must never upload its key to api.particle.io, and a real one never to
 * the lab. Key repair and diagnosis see one port and this picks the cloud per device.
 */
export class LabAwareCloud {
  constructor(
    private readonly userCloud: CloudService,
    private readonly labCloud: CloudService,
    private readonly isVirtual: (deviceId: string) => boolean,
  ) {}

  private pick(deviceId: string): CloudService {
    return this.isVirtual(deviceId) ? this.labCloud : this.userCloud;
  }

  /** With a device ID: that device's cloud. Key repair passes it; callers without one get the user's. */
  activeProfile(deviceId?: string): Promise<CloudProfile> {
    return deviceId ? this.pick(deviceId).activeProfile() : this.userCloud.activeProfile();
  }

  uploadPublicKey(request: { deviceId: string; publicKeyPem: string; algorithm: 'rsa' | 'ecc'; productId?: number }): Promise<void> {
    return this.pick(request.deviceId).uploadPublicKey(request);
  }

  deviceStatus(deviceId: string): Promise<{ online: boolean; connected: boolean }> {
    return this.pick(deviceId).deviceStatus(deviceId);
  }

  /** Diagnosis asks this before polling the cloud API for a device without naming it: the user's session. */
  session(): Promise<{ loggedIn: boolean }> {
    return this.userCloud.session();
  }

  /** Logged in to the cloud this device belongs to (diagnosis asks before polling the API). */
  async sessionFor(deviceId: string): Promise<{ loggedIn: boolean }> {
    return this.pick(deviceId).session();
  }

  /** API base URL and token of the cloud this device belongs to (Device OS downloads); null when signed out. */
  accessFor(deviceId: string): Promise<{ apiBaseUrl: string; token: string } | null> {
    return this.pick(deviceId).access();
  }
}
