import type { StoredWifiProfile } from '../dct/wifi-profile';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudProtocol } from '../../../shared/domain/platforms';
import type { VirtualMode } from '../boot/boot-decision';
import type { CloudAccount } from '../cloud/cloud-accounts';
import type { SavedDeviceRecord } from '../cloud/cloud-devices';
import type { VirtualCloudState } from '../cloud/virtual-cloud';
import type { ServerKeyPair } from '../cloud/server-keys';
import type { DeviceSnapshot } from '../device-lab';
import type { HardwareSnapshot } from '../device/device-hardware';
import type { TimingName } from '../util/timing';

/** One virtual device of a saved lab. */
export interface SavedDevice {
  scenario: string;
  deviceId: string;
  snapshot: DeviceSnapshot;
}

/** Everything a lab keeps between runs: its identity, its devices, its cloud. */
export interface LabState {
  labId: string;
  timing: TimingName;
  devices: SavedDevice[];
  cloud: VirtualCloudState;
}

export const STATE_FILE = 'state.json';
const VERSION = 1;

type Sectors = Record<string, string>;
interface DeviceJson {
  scenario: string;
  deviceId: string;
  mode: VirtualMode;
  flash: Sectors;
  external: Sectors | null;
  dctFile: { window: string; profiles: StoredWifiProfile[] } | null;
}
interface StateJson {
  version: number;
  labId: string;
  timing: TimingName;
  devices: DeviceJson[];
  cloud: {
    accounts: CloudAccount[];
    devices: (Omit<SavedDeviceRecord, 'publicKeySpki'> & { publicKeySpki: string | null })[];
    serverKeys: Record<CloudProtocol, string>;
  };
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

function sectorsToJson(sectors: Record<number, Uint8Array>): Sectors {
  return Object.fromEntries(Object.entries(sectors).map(([k, v]) => [k, b64(v)]));
}

function sectorsFromJson(sectors: Sectors): Record<number, Uint8Array> {
  return Object.fromEntries(Object.entries(sectors).map(([k, v]) => [Number(k), bytes(v)]));
}

function serverKeyFromPem(pem: string): ServerKeyPair {
  const privateKey = createPrivateKey(pem);
  return { privateKey, publicKeySpki: createPublicKey(privateKey).export({ format: 'der', type: 'spki' }) };
}

export function stateToJson(state: LabState): string {
  const json: StateJson = {
    version: VERSION,
    labId: state.labId,
    timing: state.timing,
    devices: state.devices.map(({ scenario, deviceId, snapshot }) => ({
      scenario,
      deviceId,
      mode: snapshot.mode,
      flash: sectorsToJson(snapshot.hardware.flash),
      external: snapshot.hardware.external ? sectorsToJson(snapshot.hardware.external) : null,
      dctFile: snapshot.hardware.dctFile ? { window: b64(snapshot.hardware.dctFile.window), profiles: snapshot.hardware.dctFile.profiles } : null,
    })),
    cloud: {
      accounts: state.cloud.accounts,
      devices: state.cloud.devices.map((d) => ({ ...d, publicKeySpki: d.publicKeySpki ? b64(d.publicKeySpki) : null })),
      serverKeys: {
        tcp: state.cloud.serverKeys.tcp.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        udp: state.cloud.serverKeys.udp.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      },
    },
  };
  return JSON.stringify(json);
}

export function stateFromJson(text: string): LabState {
  const json = JSON.parse(text) as StateJson;
  if (json.version !== VERSION) throw new Error(`lab state version ${String(json.version)} is not supported (expected ${VERSION})`);
  return {
    labId: json.labId,
    timing: json.timing,
    devices: json.devices.map((d) => {
      const hardware: HardwareSnapshot = {
        flash: sectorsFromJson(d.flash),
        external: d.external ? sectorsFromJson(d.external) : null,
        dctFile: d.dctFile ? { window: bytes(d.dctFile.window), profiles: d.dctFile.profiles ?? [] } : null,
      };
      return { scenario: d.scenario, deviceId: d.deviceId, snapshot: { hardware, mode: d.mode } };
    }),
    cloud: {
      accounts: json.cloud.accounts,
      devices: json.cloud.devices.map((d) => ({ ...d, publicKeySpki: d.publicKeySpki ? bytes(d.publicKeySpki) : null })),
      serverKeys: { tcp: serverKeyFromPem(json.cloud.serverKeys.tcp), udp: serverKeyFromPem(json.cloud.serverKeys.udp) },
    },
  };
}

/** Atomic: a temp file beside the state (0600), flushed, then renamed over it. A crash leaves old or new, never half. */
export function writeFileAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

export function saveLabState(labDir: string, state: LabState): void {
  writeFileAtomic(join(labDir, STATE_FILE), stateToJson(state));
}

/** The saved lab, or null when there is none yet. */
export function loadLabState(labDir: string): LabState | null {
  let text: string;
  try {
    text = readFileSync(join(labDir, STATE_FILE), 'utf8');
  } catch {
    return null;
  }
  return stateFromJson(text);
}

export function removeLabState(labDir: string): void {
  rmSync(join(labDir, STATE_FILE), { force: true });
}
