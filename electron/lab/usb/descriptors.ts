import type { UsbConfigurationLike } from '../../services/usb/webusb';

/**
 * One USB "face" of a device (normal CDC mode or DFU bootloader): what a host sees in the descriptors.
 * Both the raw GET_DESCRIPTOR bytes and the WebUSB objects are built from this, so they agree.
 */
export interface EndpointSpec {
  address: number;
  attributes: number;
  maxPacketSize: number;
  interval: number;
}

export interface AlternateSpec {
  alternateSetting: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  /** String index of iInterface (0 = none). */
  stringIndex: number;
  endpoints: EndpointSpec[];
  /** Class-specific descriptors following this interface descriptor (CDC functional descriptors…). */
  extra?: Uint8Array;
}

export interface InterfaceSpec {
  interfaceNumber: number;
  alternates: AlternateSpec[];
  /** Descriptors after the last alternate (the Photon puts the DFU functional descriptor there). */
  trailing?: Uint8Array;
}

export interface FaceSpec {
  vendorId: number;
  productId: number;
  bcdDevice: number;
  deviceClass: number;
  deviceSubclass: number;
  deviceProtocol: number;
  /** String descriptors by index (1 manufacturer, 2 product, 3 serial, then interfaces; 0xEE MS OS; 0xFA protection). */
  strings: Map<number, string>;
  interfaces: InterfaceSpec[];
}

export const STRING_INDEX = { manufacturer: 1, product: 2, serial: 3 } as const;
export const LANGID_EN_US = 0x0409;

export function deviceDescriptor(face: FaceSpec): Uint8Array {
  const d = new Uint8Array(18);
  const v = new DataView(d.buffer);
  d[0] = 18;
  d[1] = 0x01;
  v.setUint16(2, 0x0200, true);
  d[4] = face.deviceClass;
  d[5] = face.deviceSubclass;
  d[6] = face.deviceProtocol;
  d[7] = 64;
  v.setUint16(8, face.vendorId, true);
  v.setUint16(10, face.productId, true);
  v.setUint16(12, face.bcdDevice, true);
  d[14] = STRING_INDEX.manufacturer;
  d[15] = STRING_INDEX.product;
  d[16] = STRING_INDEX.serial;
  d[17] = 1;
  return d;
}

export function configurationDescriptor(face: FaceSpec): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const iface of face.interfaces) {
    for (const alt of iface.alternates) {
      parts.push(
        Uint8Array.of(9, 0x04, iface.interfaceNumber, alt.alternateSetting, alt.endpoints.length, alt.interfaceClass, alt.interfaceSubclass, alt.interfaceProtocol, alt.stringIndex),
      );
      if (alt.extra) parts.push(alt.extra);
      for (const ep of alt.endpoints) {
        parts.push(Uint8Array.of(7, 0x05, ep.address, ep.attributes, ep.maxPacketSize & 0xff, ep.maxPacketSize >> 8, ep.interval));
      }
    }
    if (iface.trailing) parts.push(iface.trailing);
  }
  const total = 9 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  out.set(Uint8Array.of(9, 0x02, total & 0xff, total >> 8, face.interfaces.length, 1, 0, 0x80, 250), 0);
  let at = 9;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** String descriptor: bLength, type 3, UTF-16LE text; index 0 lists the supported language ids. */
export function stringDescriptor(face: FaceSpec, index: number): Uint8Array | undefined {
  if (index === 0) return Uint8Array.of(4, 0x03, LANGID_EN_US & 0xff, LANGID_EN_US >> 8);
  const text = face.strings.get(index);
  if (text === undefined) return undefined;
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = out.length;
  out[1] = 0x03;
  for (let i = 0; i < text.length; i++) {
    out[2 + i * 2] = text.charCodeAt(i) & 0xff;
    out[3 + i * 2] = text.charCodeAt(i) >> 8;
  }
  return out;
}

/** DFU functional descriptor (dfu-dfuse.md §2.2): attributes 0x0B, detach 255 ms, 4096-byte transfers, DfuSe 1.1a. */
export function dfuFunctionalDescriptor(): Uint8Array {
  return Uint8Array.of(9, 0x21, 0x0b, 255, 0, 0x00, 0x10, 0x1a, 0x01);
}

export function webUsbConfiguration(face: FaceSpec): UsbConfigurationLike {
  return {
    configurationValue: 1,
    configurationName: null,
    interfaces: face.interfaces.map((iface) => {
      const alternates = iface.alternates.map((alt) => ({
        alternateSetting: alt.alternateSetting,
        interfaceClass: alt.interfaceClass,
        interfaceSubclass: alt.interfaceSubclass,
        interfaceProtocol: alt.interfaceProtocol,
        interfaceName: alt.stringIndex ? (face.strings.get(alt.stringIndex) ?? null) : null,
      }));
      return { interfaceNumber: iface.interfaceNumber, alternate: alternates[0], alternates, claimed: false };
    }),
  };
}
