import { createHash } from 'node:crypto';
import type { VirtualCloudLike } from '../cloud-link';
import { type ServerAddress, buildApplicationDct } from '../dct/dct-image';
import type { DeviceImage } from '../device/device-hardware';
import { deviceKeyKind, labKeyPair } from '../keys/lab-keys';
import { labPlatform } from '../platforms/lab-platforms';
import { SeededRandom } from '../util/prng';
import type { ScenarioDef } from './catalogue';
import { releaseModules } from './firmware-sets';

/** RSA-2048 public key of "another server" (generated for the lab; node-forge would take seconds). */
const OTHER_SERVER_RSA_SPKI =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvz6oR/CGuxBS9bFssSdhlnt/geVApXoLXUUINKUFujG9zypeU4NspxYNZhpbBrM6P+oUt2Fv2JsSIoXBuItncSx5pvZUdyJJAVth3iyZ1NH72OEFSXtutMMlFzZDtTNbHCcdTkblCJrMElX+nUbCqY7eCSLIS3lnG5k0adM8ffV/NQuMZHLuE3iW9BJaAuU0YyQsi5EYQ8ku3LwSk8nQ6yS4S/Ukc90rGJNNs0qEZoRNXy3mObzdNXNVsjOuW61bhIOz4C+ATkMbxZsU0I8qwuoemCOIGACvFAaT/msPCH4ME5VryOH80rhTzVpo7hkCo37nKiS3osd3F+3W97B+dwIDAQAB';
const OTHER_SERVER_ADDRESS: ServerAddress = { host: 'cloud.private-iot.example', port: 5683 };

function seedFor(name: string, seed: number, purpose: string): number {
  return createHash('sha256').update(`${name}/${seed}/${purpose}`).digest().readUInt32LE(0);
}

/** A stable device id per scenario and seed (24 lower-case hex digits). */
export function scenarioDeviceId(name: string, seed: number): string {
  return createHash('sha256').update(`device-id/${name}/${seed}`).digest('hex').slice(0, 24);
}

/**
 * Builds a scenario's flash and DCT, and tells the cloud (when there is one) which public key it holds
 * for the device: the device's own for healthy scenarios, a different one for the "seed" scenarios.
 */
export function buildScenarioImage(def: ScenarioDef, opts: { seed: number; deviceId?: string; cloud?: VirtualCloudLike }): DeviceImage {
  const platform = labPlatform(def.platformId);
  const deviceId = opts.deviceId ?? scenarioDeviceId(def.name, opts.seed);
  const kind = deviceKeyKind(platform.protocol);
  const deviceKeys = labKeyPair(kind, seedFor(def.name, opts.seed, 'device-key'));
  const cloudKnows = def.deviceKey === 'matching' ? deviceKeys.publicSpki : labKeyPair(kind, seedFor(def.name, opts.seed, 'previous-key')).publicSpki;

  let serverKey: Uint8Array | null = null;
  let serverAddress: ServerAddress | null = null;
  if (def.serverKey === 'this-cloud' && opts.cloud) {
    serverKey = opts.cloud.serverPublicKeySpki(platform.protocol);
    serverAddress = opts.cloud.serverAddress(platform.protocol);
  } else if (def.serverKey === 'other-server') {
    serverKey =
      platform.protocol === 'tcp' ? Uint8Array.from(Buffer.from(OTHER_SERVER_RSA_SPKI, 'base64')) : labKeyPair('ec-p256', seedFor(def.name, opts.seed, 'other-server')).publicSpki;
    serverAddress = { ...OTHER_SERVER_ADDRESS, port: platform.protocol === 'tcp' ? 5683 : 5684 };
  }

  const modules = releaseModules(platform, def.release, seedFor(def.name, opts.seed, 'firmware'));
  const damage = def.damage
    ? modules
        .filter((m) => {
          const slot = platform.slots.find((s) => s.function === def.damage!.function && s.index === def.damage!.index);
          return slot && m.address === slot.address;
        })
        .map((m) => ({ address: m.address + m.image.length / 2, bytes: new SeededRandom(opts.seed).bytes(64) }))
    : [];

  opts.cloud?.registerDevice(deviceId, { platformId: platform.id, publicKeySpki: cloudKnows });
  return {
    platformId: platform.id,
    deviceId,
    systemVersion: def.release.version,
    systemModuleVersion: def.release.system,
    modules,
    damage,
    appDct: buildApplicationDct({
      protocol: platform.protocol,
      deviceId,
      privateKey: def.deviceKey === 'blank' ? null : deviceKeys.privateDer,
      serverKey,
      serverAddress,
      claimed: true,
      setupDone: platform.generation > 2,
    }),
    wifiSsid: def.wifi && platform.wifi ? 'RescueLab' : null,
    deviceProtection: def.deviceProtection,
  };
}
