/**
 * Key slots are padded (0xFF fill after the key), so the key's own extent comes from the length of
 * its outer DER SEQUENCE. Returns the byte count of that first TLV, or null when the bytes do not
 * start with a well-formed SEQUENCE that fits.
 */
export function derSequenceLength(bytes: Uint8Array): number | null {
  if (bytes.length < 2 || bytes[0] !== 0x30) return null;
  const first = bytes[1];
  if (first < 0x80) return fits(2 + first, bytes.length);
  const count = first & 0x7f;
  // Keys in these slots are at most a few KB: 1 or 2 length bytes, never indefinite length (0x80).
  if (count < 1 || count > 2 || bytes.length < 2 + count) return null;
  let length = 0;
  for (let i = 0; i < count; i++) length = (length << 8) | bytes[2 + i];
  if (count === 2 && length < 0x100) return null;
  if (count === 1 && length < 0x80) return null;
  return fits(2 + count + length, bytes.length);
}

function fits(total: number, available: number): number | null {
  return total <= available ? total : null;
}

/** The leading DER SEQUENCE of a padded slot, or null. */
export function derPrefix(bytes: Uint8Array): Uint8Array | null {
  const length = derSequenceLength(bytes);
  return length === null ? null : bytes.subarray(0, length);
}

export function isBlank(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === 0xff;
}
