import DeviceOSProtobuf from '@particle/device-os-protobuf';

/**
 * Control-request payloads are proto3 messages from `@particle/device-os-protobuf` (bundled pbjs code:
 * works offline, no .proto loading at runtime). An empty reply means "all fields default".
 */
export function encodeRequest(messageName: string, fields: Record<string, unknown> | null = null): Uint8Array<ArrayBuffer> {
  return new Uint8Array(DeviceOSProtobuf.encode(messageName, fields));
}

export function decodeReply(messageName: string, data: Uint8Array): Record<string, unknown> {
  return DeviceOSProtobuf.decode(messageName, Buffer.from(data.buffer, data.byteOffset, data.byteLength)) as Record<string, unknown>;
}
