import DeviceOSProtobuf from '@particle/device-os-protobuf';
import type { RequestProcessor } from './control-server';
import { RESULT } from './service-reply';
import type { ModuleStatus } from '../boot/module-scan';
import { MODULE_FUNCTION } from '../firmware-images';
import { SECURITY_CODES, type StoredWifiProfile } from '../dct/wifi-profile';
import { LAB_ACCESS_POINTS } from '../device/wifi-networks';

/** The NCP Wi-Fi state requests 500–507 act on (Argon, P2). */
export interface WifiTarget {
  profiles(): StoredWifiProfile[];
  store(profile: StoredWifiProfile): boolean;
  remove(ssid: string): boolean;
  clear(): boolean;
  currentSsid(): string | null;
  /** Connect with the stored networks (leaves listening mode). */
  join(): void;
}

/** What the control requests need from the running Device OS model. */
export interface ControlTarget {
  readonly deviceId: string;
  readonly generation: 2 | 3 | 4;
  readonly systemVersion: string;
  readonly systemModuleVersion: number;
  currentMode(): 'normal' | 'listening' | 'safe';
  /** 0 DISCONNECTED, 1 CONNECTING, 2 CONNECTED, 3 DISCONNECTING. */
  cloudStatus(): number;
  modules(): ModuleStatus[];
  protectedState(): boolean | null;
  /** Act ≈1000 ms after the reply, as system_control_internal.cpp does. */
  schedule(action: 'reset' | 'dfu' | 'safe'): void;
  startListening(): void;
  stopListening(): void;
  cloudConnect(): void;
  cloudDisconnect(): void;
  cancelConnection(): void;
  /** Wi-Fi NCP state; absent or null on platforms without requests 500–507. */
  wifi?(): WifiTarget | null;
}

const ctrl = DeviceOSProtobuf.definitions;

/** Module versions that introduced requests on Gen 2 (0.8.0 ≈ 300, 1.1.0 = 1100, 1.5.0 = 1500). */
const GEN2_SINCE: Record<number, number> = { 20: 1500, 21: 1500, 30: 300, 40: 300, 41: 300, 50: 300, 60: 300, 70: 300, 71: 300, 72: 1100, 90: 300, 300: 1100, 301: 1100, 302: 1100 };
const SERVICE_CHANNEL_SINCE = 100;
const NEW_MODULE_INFO_SINCE = 5600;

/** storage.proto FirmwareModuleType numbers differ from the prefix's module_function codes. */
const STORAGE_MODULE_TYPE: Partial<Record<number, number>> = {
  [MODULE_FUNCTION.bootloader]: 1,
  [MODULE_FUNCTION.systemPart]: 2,
  [MODULE_FUNCTION.userPart]: 3,
  [MODULE_FUNCTION.monoFirmware]: 4,
  [MODULE_FUNCTION.ncpFirmware]: 5,
  [MODULE_FUNCTION.radioStack]: 6,
};

/**
 * Device OS encodes with nanopb, which leaves proto3 fields at their default out of the message (a
 * NORMAL_MODE GetDeviceModeReply is zero bytes). protobufjs writes explicitly set defaults, so drop them.
 */
function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === 0 || field === false || field === '' || (Array.isArray(field) && field.length === 0)) continue;
    out[key] = withoutDefaults(field);
  }
  return out;
}

function encode(message: { create(v: unknown): unknown; encode(m: unknown): { finish(): Uint8Array } }, value: unknown): Uint8Array {
  return Uint8Array.from(message.encode(message.create(withoutDefaults(value))).finish());
}

export class DeviceRequests implements RequestProcessor {
  constructor(private readonly target: ControlTarget) {}

  serviceRequestsSupported(): boolean {
    return this.target.generation > 2 || this.target.systemModuleVersion >= SERVICE_CHANNEL_SINCE;
  }

  private supported(type: number): boolean {
    if (this.target.generation > 2) return true;
    const since = GEN2_SINCE[type];
    return since !== undefined && this.target.systemModuleVersion >= since;
  }

  onInit(type: number): void {
    if (!this.supported(type)) return;
    if (type === 40 || type === 41 || type === 50 || type === 60 || type === 70) this.target.cancelConnection();
  }

  async process(type: number, payload: Uint8Array): Promise<{ result: number; data?: Uint8Array; afterReply?: () => void }> {
    const t = this.target;
    if (type === 1) return { result: RESULT.OK, data: payload };
    // Unknown types fall through to the application handler, which answers NOT_SUPPORTED.
    if (!this.supported(type)) return { result: RESULT.NOT_SUPPORTED };
    switch (type) {
      case 20:
        return { result: RESULT.OK, data: encode(ctrl.GetDeviceIdReply, { id: t.deviceId }) };
      case 30:
        return { result: RESULT.OK, data: encode(ctrl.GetSystemVersionReply, { version: t.systemVersion }) };
      // The device acts ≈1000 ms after the reply; here the wait starts once the host has the result.
      case 40:
        return { result: RESULT.OK, afterReply: () => t.schedule('reset') };
      case 50:
        return { result: RESULT.OK, afterReply: () => t.schedule('dfu') };
      case 60:
        return { result: RESULT.OK, afterReply: () => t.schedule('safe') };
      case 70:
        t.startListening();
        return { result: RESULT.OK };
      case 71:
        t.stopListening();
        return { result: RESULT.OK };
      case 72:
        return { result: RESULT.OK, data: encode(ctrl.GetDeviceModeReply, { mode: t.currentMode() === 'listening' ? 1 : 0 }) };
      case 76: {
        const state = t.protectedState();
        if (state === null) return { result: RESULT.NOT_SUPPORTED };
        return { result: RESULT.OK, data: encode(ctrl.GetProtectedStateReply, { state, overridden: false }) };
      }
      case 90:
        return { result: RESULT.OK, data: this.moduleInfo() };
      case 300:
        return { result: RESULT.OK, data: encode(ctrl.cloud.GetConnectionStatusReply, { status: t.cloudStatus() }) };
      case 301:
        t.cloudConnect();
        return { result: RESULT.OK };
      case 302:
        t.cloudDisconnect();
        return { result: RESULT.OK };
      default:
        return type >= 500 && type <= 507 ? this.wifiRequest(type, payload) : { result: RESULT.NOT_SUPPORTED };
    }
  }

  /** wifi_new.proto requests; the proto's Security enum 0–3 = open, WEP, WPA, WPA2. */
  private wifiRequest(type: number, payload: Uint8Array): { result: number; data?: Uint8Array; afterReply?: () => void } {
    const wifi = this.target.wifi?.() ?? null;
    if (!wifi) return { result: RESULT.NOT_SUPPORTED };
    const w = ctrl.wifi;
    const decode = (message: { decode(b: Uint8Array): unknown }) => message.decode(payload) as Record<string, unknown>;
    const security = (profile: StoredWifiProfile) => SECURITY_CODES.indexOf(profile.security ?? 'wpa2');
    if (type === 500 || type === 507) {
      const req = decode(type === 500 ? w.JoinNewNetworkRequest : w.SetNetworkCredentialsRequest);
      const ssid = String(req.ssid ?? '');
      const code = Number(req.security ?? 0);
      const password = String((req.credentials as { password?: string } | undefined)?.password ?? '');
      if (!ssid || ssid.length > 32 || code > 3 || password.length > 64) return { result: RESULT.INVALID_ARGUMENT };
      if (!wifi.store({ ssid, security: SECURITY_CODES[code], password })) return { result: RESULT.ERROR };
      return { result: RESULT.OK, afterReply: type === 500 ? () => wifi.join() : undefined };
    }
    if (type === 501) {
      const ssid = String(decode(w.JoinKnownNetworkRequest).ssid ?? '');
      if (!wifi.profiles().some((p) => p.ssid === ssid)) return { result: RESULT.NOT_FOUND };
      return { result: RESULT.OK, afterReply: () => wifi.join() };
    }
    if (type === 502) {
      const networks = wifi.profiles().map((p) => ({ ssid: p.ssid, security: security(p), credentialsType: p.security === 'open' ? 0 : 1 }));
      return { result: RESULT.OK, data: encode(w.GetKnownNetworksReply, { networks }) };
    }
    if (type === 503) return { result: wifi.remove(String(decode(w.RemoveKnownNetworkRequest).ssid ?? '')) ? RESULT.OK : RESULT.NOT_FOUND };
    if (type === 504) return { result: wifi.clear() ? RESULT.OK : RESULT.ERROR };
    if (type === 505) {
      const ap = LAB_ACCESS_POINTS.find((a) => a.ssid === wifi.currentSsid());
      if (!ap) return { result: RESULT.NOT_FOUND };
      return { result: RESULT.OK, data: encode(w.GetCurrentNetworkReply, { ssid: ap.ssid, channel: ap.channel, rssi: ap.rssi }) };
    }
    const networks = LAB_ACCESS_POINTS.map((a) => ({ ssid: a.ssid, security: SECURITY_CODES.indexOf(a.security), channel: a.channel, rssi: a.rssi }));
    return { result: RESULT.OK, data: encode(w.ScanNetworksReply, { networks }) };
  }

  private moduleInfo(): Uint8Array {
    const present = this.target.modules().filter((m) => m.prefix);
    const deps = (m: ModuleStatus) =>
      [m.prefix!.dependency, m.prefix!.dependency2].filter((d) => d.functionCode !== 0);
    const modulesDeprecated = present.map((m) => ({
      type: STORAGE_MODULE_TYPE[m.prefix!.functionCode] ?? 0,
      index: m.prefix!.index,
      version: m.prefix!.version,
      size: m.size,
      validity: (m.integrity ? 0 : 1) | (m.dependencies ? 0 : 2),
      dependencies: deps(m).map((d) => ({ type: STORAGE_MODULE_TYPE[d.functionCode] ?? 0, index: d.index, version: d.version })),
    }));
    const value: Record<string, unknown> = { modulesDeprecated };
    if (this.target.systemModuleVersion >= NEW_MODULE_INFO_SINCE) {
      const checked = 0x02 | 0x04 | 0x08 | 0x10;
      value.modules = present.map((m) => ({
        type: m.prefix!.functionCode,
        index: m.prefix!.index,
        version: m.prefix!.version,
        store: 0,
        maxSize: m.slot.maxSize,
        checkedFlags: checked,
        passedFlags: (m.integrity ? 0x02 : 0) | (m.dependencies ? 0x04 : 0) | (m.range ? 0x08 : 0) | (m.platform ? 0x10 : 0),
        size: m.size,
        dependencies: deps(m).map((d) => ({ type: d.functionCode, index: d.index, version: d.version })),
      }));
    }
    return encode(ctrl.GetModuleInfoReply, value);
  }

  vendorIn(index: number, length: number): Uint8Array | undefined {
    const t = this.target;
    if (!this.serviceRequestsSupported()) return undefined;
    if (index === 20) return length >= 24 ? new TextEncoder().encode(t.deviceId) : undefined;
    if (index === 30) {
      const text = new TextEncoder().encode(t.systemVersion);
      return length >= text.length ? text : undefined;
    }
    return undefined;
  }

  vendorOut(index: number): boolean {
    if (!this.serviceRequestsSupported()) return false;
    if (index === 40) {
      this.target.schedule('reset');
      return true;
    }
    if (index === 302) {
      this.target.cloudDisconnect();
      return true;
    }
    return false;
  }
}
