import type { FileProblem } from '../../../shared/contract/firmware';
import type { ErrorCode } from '../../../shared/errors';
import { describeModule, hex } from './module-format';
import type { ParsedModule } from './module-parser';
import { findSlot, platformName } from './flash-slots';

export function problem(code: ErrorCode, message: string, fix: string): FileProblem {
  return { code, message, fix };
}

const FIX_REDOWNLOAD = 'The file is damaged: download it again from its source (Particle release page or your build output).';

/** Integrity of the file itself: CRC-32 and, when the suffix carries one, the SHA-256. */
export function integrityProblems(m: ParsedModule): FileProblem[] {
  const out: FileProblem[] = [];
  if (!m.info.crcOk) {
    out.push(problem('BAD_CRC', `${m.info.fileName}: CRC-32 check failed (stored ${hex(m.crc.stored)}, computed ${hex(m.crc.computed)}).`, FIX_REDOWNLOAD));
  }
  if (m.info.sha256Ok === false) {
    out.push(problem('BAD_SHA', `${m.info.fileName}: the SHA-256 stored in the module does not match its contents.`, FIX_REDOWNLOAD));
  }
  return out;
}

/** Does the module fit the slot its own platform keeps for it (address and size, firmware-modules.md §5)? */
export function slotProblems(m: ParsedModule): FileProblem[] {
  const { info } = m;
  const found = findSlot(info.platformId, info.function, info.index, info.startAddress);
  if (!found) return [];
  const what = describeModule(info.function, info.index);
  const name = platformName(info.platformId);
  if (!found.exact) {
    return [
      problem(
        'FIRMWARE_INVALID',
        `${info.fileName}: ${what} starts at ${hex(info.startAddress)}, but a ${name} keeps it at ${hex(found.slot.startMin)}.`,
        `Use a ${what} built for ${name}; this file was built for a different flash layout.`,
      ),
    ];
  }
  const out: FileProblem[] = [];
  const room = found.slot.end - info.startAddress;
  if (info.size > room) {
    out.push(problem('FIRMWARE_TOO_LARGE', `${info.fileName}: ${what} is ${info.size} bytes but its slot has room for ${room} bytes.`, `Make the ${what} smaller (remove code or libraries) so it fits ${room} bytes.`));
  } else if (found.slot.maxSize !== null && info.size > found.slot.maxSize) {
    out.push(problem('FIRMWARE_TOO_LARGE', `${info.fileName}: ${what} is ${info.size} bytes; a ${name} allows at most ${found.slot.maxSize}.`, `Make the ${what} smaller so it fits ${found.slot.maxSize} bytes.`));
  }
  return out;
}
