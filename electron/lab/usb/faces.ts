import { PARTICLE_VENDOR_ID } from '../../../shared/domain/platforms';
import type { LabPlatform } from '../platforms/lab-platforms';
import { type FaceSpec, STRING_INDEX, dfuFunctionalDescriptor } from './descriptors';

/** Microsoft OS string descriptor 0xEE = "MSFT100" + vendor code 0xEE, so WinUSB binds without an INF. */
const MS_OS_STRING = 'MSFT100\u00ee';
export const MS_OS_STRING_INDEX = 0xee;
export const PROTECTION_STRING_INDEX = 0xfa;

function baseStrings(product: string, deviceId: string): Map<number, string> {
  return new Map([
    [STRING_INDEX.manufacturer, 'Particle'],
    [STRING_INDEX.product, product],
    [STRING_INDEX.serial, deviceId],
    [MS_OS_STRING_INDEX, MS_OS_STRING],
  ]);
}

/** Normal (CDC) mode: CDC ACM on interfaces 0+1 and the vendor control interface #2 (usb-control-protocol.md §1.2). */
export function normalFace(platform: LabPlatform, deviceId: string): FaceSpec {
  const strings = baseStrings(platform.productName, deviceId);
  strings.set(4, `${platform.productName} Control Interface`);
  const cdcFunctional = Uint8Array.of(
    5, 0x24, 0x00, 0x10, 0x01, // header, CDC 1.10
    5, 0x24, 0x01, 0x00, 0x01, // call management
    4, 0x24, 0x02, 0x02, // ACM: supports SET_LINE_CODING (the magic-baud path)
    5, 0x24, 0x06, 0x00, 0x01, // union: comm 0, data 1
  );
  return {
    vendorId: PARTICLE_VENDOR_ID,
    productId: 0xc000 | platform.id,
    bcdDevice: 0x0250,
    deviceClass: 0xef,
    deviceSubclass: 0x02,
    deviceProtocol: 0x01,
    strings,
    interfaces: [
      {
        interfaceNumber: 0,
        alternates: [
          { alternateSetting: 0, interfaceClass: 0x02, interfaceSubclass: 0x02, interfaceProtocol: 0x01, stringIndex: 0, extra: cdcFunctional, endpoints: [{ address: 0x82, attributes: 0x03, maxPacketSize: 8, interval: 0xff }] },
        ],
      },
      {
        interfaceNumber: 1,
        alternates: [
          {
            alternateSetting: 0,
            interfaceClass: 0x0a,
            interfaceSubclass: 0x00,
            interfaceProtocol: 0x00,
            stringIndex: 0,
            endpoints: [
              { address: 0x03, attributes: 0x02, maxPacketSize: 64, interval: 0 },
              { address: 0x83, attributes: 0x02, maxPacketSize: 64, interval: 0 },
            ],
          },
        ],
      },
      {
        interfaceNumber: 2,
        alternates: [{ alternateSetting: 0, interfaceClass: 0xff, interfaceSubclass: 0xff, interfaceProtocol: 0xff, stringIndex: 4, endpoints: [] }],
      },
    ],
  };
}

/**
 * DFU mode: interface 0 with one alternate per memory, iInterface = its DfuSe layout string, and the
 * DFU functional descriptor once after the last alternate (as on the Photon).
 * `protectionMode` adds string 0xFA with `sm=<o|p|s>` (Device OS ≥ 6.1.2 bootloaders).
 */
export function dfuFace(platform: LabPlatform, deviceId: string, layoutStrings: string[], protectionMode: 'o' | 'p' | null): FaceSpec {
  const strings = baseStrings(`${platform.productName} DFU Mode`, deviceId);
  layoutStrings.forEach((layout, alt) => strings.set(4 + alt, layout));
  if (protectionMode) strings.set(PROTECTION_STRING_INDEX, `dp=1;sm=${protectionMode};`);
  return {
    vendorId: PARTICLE_VENDOR_ID,
    productId: 0xd000 | platform.id,
    bcdDevice: 0x0200,
    deviceClass: 0,
    deviceSubclass: 0,
    deviceProtocol: 0,
    strings,
    interfaces: [
      {
        interfaceNumber: 0,
        alternates: layoutStrings.map((_, alt) => ({
          alternateSetting: alt,
          interfaceClass: 0xfe,
          interfaceSubclass: 0x01,
          interfaceProtocol: 0x02,
          stringIndex: 4 + alt,
          endpoints: [],
        })),
        trailing: dfuFunctionalDescriptor(),
      },
    ],
  };
}
