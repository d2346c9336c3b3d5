import type { Finding } from '../../../shared/contract/diagnosis';
import type { KeyHealth } from '../../../shared/contract/keys';
import { RescueError } from '../../../shared/errors';
import type { OperationContext } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';
import type { DiagnosisDfuPort, DiagnosisKeysPort } from './ports';

export interface KeyFactsDeps {
  keys: Pick<DiagnosisKeysPort, 'healthCheck'>;
  dfu: Pick<DiagnosisDfuPort, 'leave'>;
  /** Null while the device is off the bus. */
  find(deviceId: string): Promise<AttachedDevice | null>;
}

/** Health check over DFU, then back to the mode the device was found in (the key check itself is read-only). */
export async function readKeyFacts(deps: KeyFactsDeps, device: AttachedDevice, ctx: OperationContext, extra: Finding[]): Promise<{ health: KeyHealth | null; protected: boolean }> {
  ctx.progress({ phase: 'read-dct', step: 'diagnose', message: 'Reading the key store in DFU mode (the LED blinks yellow for a moment)…' });
  const foundIn = device.usbMode;
  let health: KeyHealth | null = null;
  let isProtected = false;
  try {
    health = await deps.keys.healthCheck(device.deviceId, ctx);
    isProtected = health.protected;
  } catch (error) {
    if (RescueError.is(error, 'CANCELLED')) throw error;
    isProtected = RescueError.is(error, 'DEVICE_PROTECTED');
    const detail = error instanceof RescueError ? `${error.message} ${error.fix}` : 'The key store could not be read.';
    if (!isProtected) extra.push({ id: 'dct-read', source: 'dct', severity: 'warn', title: 'Key store not checked', detail });
  }
  if (foundIn === 'normal') await backToNormal(deps, device.deviceId, ctx, extra);
  return { health, protected: isProtected };
}

async function backToNormal(deps: KeyFactsDeps, deviceId: string, ctx: OperationContext, extra: Finding[]): Promise<void> {
  const now = await deps.find(deviceId);
  if (now?.usbMode !== 'dfu') return;
  ctx.progress({ phase: 'leave-dfu', step: 'diagnose', message: 'Leaving DFU mode so the device is back as it was found…' });
  try {
    await deps.dfu.leave(deviceId, ctx);
  } catch (error) {
    if (RescueError.is(error, 'CANCELLED')) throw error;
    extra.push({ id: 'leave-dfu', source: 'usb', severity: 'warn', title: 'Still in DFU mode', detail: 'The device did not leave DFU mode by itself. Press RESET once to restart it.' });
  }
}
