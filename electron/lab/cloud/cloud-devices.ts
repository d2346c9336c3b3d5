import { createPublicKey } from 'node:crypto';
import { CloudHttpError } from './cloud-http';
import { DEMO_ACCOUNT } from './cloud-accounts';
import type { HandshakeResult } from '../cloud-link';


export interface RegisterDeviceInfo {
  platformId: number;
  publicKeySpki: Uint8Array | null;
  /** Account that owns the device; the demo account when absent. */
  owner?: string;
  productId?: number;
}

interface DeviceRecord {
  id: string;
  platformId: number;
  owner: string;
  productId: number | null;
  publicKeySpki: Buffer | null;
  online: boolean;
  lastHeard: string | null;
  lastHandshakeAt: string | null;
}

/** A device record as a saved lab keeps it. */
export interface SavedDeviceRecord {
  id: string;
  platformId: number;
  owner: string;
  productId: number | null;
  publicKeySpki: Uint8Array | null;
  lastHeard: string | null;
  lastHandshakeAt: string | null;
}

interface Product {
  id: number;
  name: string;
  members: Set<string>;
}

/** The product seeded in every virtual cloud: the demo account is a team member. */
export const DEMO_PRODUCT = { id: 4242, name: 'Rescue Fleet' } as const;

const DEVICE_ID = /^[0-9a-f]{24}$/;

/** Normalises a public key to SPKI DER so keys compare by value whatever encoding they came in. */
export function toSpkiDer(key: string | Uint8Array): Buffer {
  const object = typeof key === 'string' ? createPublicKey(key) : createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' });
  return object.export({ format: 'der', type: 'spki' });
}

/** What the virtual cloud knows about devices: owner, product, public key, connection state. */
export class CloudDevices {
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly products = new Map<number, Product>();

  constructor(private readonly now: () => Date) {
    this.products.set(DEMO_PRODUCT.id, { ...DEMO_PRODUCT, members: new Set([DEMO_ACCOUNT.username]) });
  }

  register(deviceId: string, info: RegisterDeviceInfo): void {
    const id = deviceId.toLowerCase();
    const existing = this.devices.get(id);
    this.devices.set(id, {
      id,
      platformId: info.platformId,
      owner: (info.owner ?? DEMO_ACCOUNT.username).toLowerCase(),
      productId: info.productId ?? null,
      publicKeySpki: info.publicKeySpki ? toSpkiDer(info.publicKeySpki) : null,
      online: existing?.online ?? false,
      lastHeard: existing?.lastHeard ?? null,
      lastHandshakeAt: existing?.lastHandshakeAt ?? null,
    });
  }

  /** Every device record (saved by a lab that persists); connection state is not kept. */
  exportRecords(): SavedDeviceRecord[] {
    return [...this.devices.values()].map((d) => ({
      id: d.id,
      platformId: d.platformId,
      owner: d.owner,
      productId: d.productId,
      publicKeySpki: d.publicKeySpki ? new Uint8Array(d.publicKeySpki) : null,
      lastHeard: d.lastHeard,
      lastHandshakeAt: d.lastHandshakeAt,
    }));
  }

  /** Replaces all device records with saved ones; every device starts offline until it handshakes. */
  importRecords(records: SavedDeviceRecord[]): void {
    this.devices.clear();
    for (const r of records) {
      this.devices.set(r.id, { ...r, publicKeySpki: r.publicKeySpki ? toSpkiDer(r.publicKeySpki) : null, online: false });
    }
  }

  /** The public key the cloud holds for a device (SPKI DER), or null. */
  publicKeyOf(deviceId: string): Uint8Array | null {
    return this.devices.get(deviceId.toLowerCase())?.publicKeySpki ?? null;
  }

  handshake(deviceId: string, devicePublicKeySpki: Uint8Array, serverKeyOk: boolean): HandshakeResult {
    const device = this.devices.get(deviceId.toLowerCase());
    if (!device) return 'unknown-device';
    if (!serverKeyOk) {
      device.online = false;
      return 'server-key-mismatch';
    }
    if (!device.publicKeySpki || !sameKey(device.publicKeySpki, devicePublicKeySpki)) {
      device.online = false;
      return 'device-key-mismatch';
    }
    const at = this.now().toISOString();
    device.online = true;
    device.lastHandshakeAt = at;
    device.lastHeard = at;
    return 'ok';
  }

  setOnline(deviceId: string, online: boolean): void {
    const device = this.devices.get(deviceId.toLowerCase());
    if (!device) return;
    device.online = online;
    if (online) device.lastHeard = this.now().toISOString();
  }

  /** `GET /v1/devices/:id` for a user: 404 unknown, 403 not theirs. */
  info(user: string, deviceId: string): Record<string, unknown> {
    return this.describe(this.accessible(user, deviceId));
  }

  /** `GET /v1/products/:product/devices/:id` for a team member of the product. */
  productDeviceInfo(user: string, productRaw: string, deviceId: string): Record<string, unknown> {
    const productId = this.productFor(user, productRaw);
    const device = this.devices.get(deviceId.toLowerCase());
    if (!device || device.productId !== productId) throw new CloudHttpError(404, 'not_found', `Device ${deviceId} was not found in product ${productId}.`);
    return this.describe(device);
  }

  private describe(device: DeviceRecord): Record<string, unknown> {
    return {
      id: device.id,
      name: `virtual-${device.id.slice(-6)}`,
      last_app: null,
      last_ip_address: device.online ? '127.0.0.1' : null,
      last_heard: device.lastHeard,
      last_handshake_at: device.lastHandshakeAt,
      product_id: device.productId ?? device.platformId,
      online: device.online,
      connected: device.online,
      platform_id: device.platformId,
      cellular: false,
      notes: null,
      status: 'normal',
      serial_number: null,
      functions: [],
      variables: {},
    };
  }

  /** `POST /v1/provisioning/:id`: stores the device's new public key. */
  provision(user: string, deviceId: string, fields: Record<string, string>): Record<string, unknown> {
    const id = deviceId.toLowerCase();
    if (!DEVICE_ID.test(id)) throw new CloudHttpError(400, 'invalid_request', 'The device ID must be 24 hex digits.');
    const algorithm = fields.algorithm ?? 'rsa';
    if (algorithm !== 'rsa' && algorithm !== 'ecc') throw new CloudHttpError(400, 'invalid_request', 'algorithm must be rsa or ecc.');
    if (!fields.publicKey) throw new CloudHttpError(400, 'invalid_request', 'publicKey is required.');
    const spki = parsePublicKey(fields.publicKey, algorithm);
    const productId = fields.product_id ? this.productFor(user, fields.product_id) : null;
    const device = productId === null ? this.accessible(user, id) : this.inProduct(id, productId);
    device.publicKeySpki = spki;
    return { ok: true, id: device.id };
  }

  private productFor(user: string, raw: string): number {
    const productId = Number(raw);
    const product = Number.isInteger(productId) ? this.products.get(productId) : undefined;
    if (!product) throw new CloudHttpError(404, 'not_found', `Product ${raw} was not found.`);
    if (!product.members.has(user)) throw new CloudHttpError(403, 'forbidden', `You are not a member of product ${raw}.`);
    return productId;
  }

  /** A product member may provision any device into the product, as manufacturing does. */
  private inProduct(id: string, productId: number): DeviceRecord {
    const device = this.devices.get(id);
    if (!device) throw new CloudHttpError(404, 'not_found', `Device ${id} was not found.`);
    if (device.productId !== null && device.productId !== productId) {
      throw new CloudHttpError(403, 'forbidden', `Device ${id} belongs to another product.`);
    }
    device.productId = productId;
    return device;
  }

  private accessible(user: string, deviceId: string): DeviceRecord {
    const device = this.devices.get(deviceId.toLowerCase());
    if (!device) throw new CloudHttpError(404, 'not_found', `Device ${deviceId} was not found.`);
    const inMyProduct = device.productId !== null && this.products.get(device.productId)?.members.has(user) === true;
    if (device.owner !== user && !inMyProduct) {
      throw new CloudHttpError(403, 'forbidden', `Device ${deviceId} is not owned by you.`);
    }
    return device;
  }
}

function parsePublicKey(pem: string, algorithm: 'rsa' | 'ecc'): Buffer {
  if (pem.includes('PRIVATE KEY')) throw new CloudHttpError(400, 'invalid_request', 'publicKey must be a public key, never a private key.');
  let key;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new CloudHttpError(400, 'invalid_request', 'publicKey is not a PEM public key.');
  }
  const expected = algorithm === 'rsa' ? 'rsa' : 'ec';
  if (key.asymmetricKeyType !== expected) {
    throw new CloudHttpError(400, 'invalid_request', `publicKey is not an ${algorithm === 'rsa' ? 'RSA' : 'EC'} key.`);
  }
  return key.export({ format: 'der', type: 'spki' });
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  try {
    return toSpkiDer(a).equals(toSpkiDer(b));
  } catch {
    return false;
  }
}
