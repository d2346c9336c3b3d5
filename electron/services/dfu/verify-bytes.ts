/**
 * The one byte comparison every verify path uses (DFU write, DCT key and server-key writes, firmware
 * flash): the index of the first byte where what the device holds differs from what was written, or
 * -1 when they are identical. A read-back that is shorter or longer than the data differs at the end
 * of the shorter one: a short read never passes for a match.
 */
export function firstDifference(written: Uint8Array, readBack: Uint8Array): number {
  const common = Math.min(written.length, readBack.length);
  for (let i = 0; i < common; i++) if (written[i] !== readBack[i]) return i;
  return written.length === readBack.length ? -1 : common;
}
