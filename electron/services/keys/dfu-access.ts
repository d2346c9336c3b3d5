import { DCT_OFFSETS, DCT_SIZE } from '../../../shared/domain/dct-layout';
import { RescueError } from '../../../shared/errors';
import { firstDifference } from '../dfu/verify-bytes';
import type { OperationContext } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';
import type { Sleep } from '../usb/sleep';
import type { KeyDevicesPort, KeyDfuPort, KeyDfuSession } from './ports';
import { PROTECTED_FIX, PROTECTED_MESSAGE } from './key-health';

const DCT_ALT = 1;

/** One DFU session on one device, and whether we switched it to DFU (then we switch it back). */
export interface OpenDfu {
  device: AttachedDevice;
  session: KeyDfuSession;
  entered: boolean;
}

/** The device if it is attached right now, null otherwise (it may be re-enumerating). */
export async function findIfAttached(devices: KeyDevicesPort, deviceId: string): Promise<AttachedDevice | null> {
  return devices.find(deviceId).catch((error: unknown) => {
    if (RescueError.is(error, 'DEVICE_NOT_FOUND')) return null;
    throw error;
  });
}

/** Waits (bounded) for a device that may be re-enumerating right now, e.g. just after leaving DFU. */
export async function findSoon(devices: KeyDevicesPort, deviceId: string, budgetMs: number, sleep: Sleep, signal: AbortSignal): Promise<AttachedDevice> {
  const step = 50;
  for (let waited = 0; waited < budgetMs; waited += step) {
    const device = await findIfAttached(devices, deviceId);
    if (device) return device;
    await sleep(step, signal);
  }
  return devices.find(deviceId);
}

export async function openDfu(devices: KeyDevicesPort, dfu: KeyDfuPort, before: AttachedDevice, ctx: OperationContext, enterTimeoutMs?: number): Promise<OpenDfu> {
  const deviceId = before.deviceId;
  const entered = before.usbMode !== 'dfu';
  try {
    if (entered) {
      ctx.progress({ phase: 'enter-dfu', message: 'Switching the device to DFU mode (blinking yellow)…' });
      await dfu.enterDfu(deviceId, ctx, enterTimeoutMs === undefined ? {} : { timeoutMs: enterTimeoutMs });
    }
    const session = await dfu.openSession(deviceId, ctx);
    return { device: (await findIfAttached(devices, deviceId)) ?? before, session, entered };
  } catch (error) {
    // Device OS or the bootloader refused: say what Device Protection is and where to lift it.
    if (RescueError.is(error, 'DEVICE_PROTECTED')) throw refuseProtected(deviceId);
    throw error;
  }
}

/** Gives the device back the way we found it: leave DFU if we entered it, otherwise just close. */
export async function releaseDfu(open: OpenDfu, ctx: OperationContext): Promise<void> {
  if (open.entered) {
    ctx.progress({ phase: 'leave-dfu', message: 'Leaving DFU mode; the device restarts.' });
    await open.session.leave(ctx.signal);
  } else {
    await open.session.close();
  }
}

export function refuseProtected(deviceId: string): RescueError {
  return new RescueError('DEVICE_PROTECTED', `Device ${deviceId}: ${PROTECTED_MESSAGE} Nothing was written.`, PROTECTED_FIX);
}

const UNREADABLE_FIX =
  'On a Photon/P1 the DCT is readable over DFU only while system part 2 is valid: reflash Device OS first, then repair the keys.';

/**
 * Reads the application DCT and checks it is this device's: where the DCT holds a device ID it must be
 * ours. A Gen 2 bootloader without a valid system part 2 answers DCT reads with unrelated flash, and
 * writing keys "into" that would be writing blind.
 */
export async function readDct(session: KeyDfuSession, deviceId: string, ctx: OperationContext): Promise<Uint8Array> {
  ctx.progress({ phase: 'read-dct', message: 'Reading the device configuration (DCT)…', bytesTotal: DCT_SIZE });
  let dct: Uint8Array;
  try {
    dct = await session.read(DCT_ALT, 0, DCT_SIZE, undefined, ctx.signal);
  } catch (error) {
    if (!RescueError.is(error, 'REGION_NOT_READABLE')) throw error;
    throw new RescueError('DCT_UNREADABLE', 'The device configuration (DCT) could not be read over DFU.', UNREADABLE_FIX);
  }
  const idField = dct.subarray(DCT_OFFSETS.deviceId, DCT_OFFSETS.deviceId + 12);
  const stored = Buffer.from(idField).toString('hex');
  if (!idField.every((b) => b === 0xff) && stored !== deviceId) {
    throw new RescueError(
      'DCT_UNREADABLE',
      'What the device returned for its configuration (DCT) is not its own (the device ID inside does not match), so nothing was written.',
      UNREADABLE_FIX,
    );
  }
  return dct;
}

/** Writes bytes into the DCT (never erased: the bootloader rewrites its sector) and reads them back. */
export async function writeDctVerified(session: KeyDfuSession, offset: number, data: Uint8Array, what: string, ctx: OperationContext): Promise<void> {
  ctx.progress({ phase: 'write', message: `Writing the ${what}…`, bytesTotal: data.length });
  await session.write(DCT_ALT, offset, data, { erase: false, signal: ctx.signal });
  ctx.progress({ phase: 'verify', message: `Reading the ${what} back…`, bytesTotal: data.length });
  const back = await session.read(DCT_ALT, offset, data.length, undefined, ctx.signal);
  const at = firstDifference(data, back);
  if (at >= 0) {
    throw new RescueError('VERIFY_MISMATCH', `The ${what} read back from the device differs at byte ${at}.`, 'Run the repair again; it resumes and rewrites it.');
  }
  ctx.log('keys', 'info', `${what}: ${data.length} bytes written at DCT offset ${offset} and verified`);
}
