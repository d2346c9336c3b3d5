import type { Finding } from '../../../shared/contract/diagnosis';
import type { PlanFacts } from '../../../shared/domain/plan';
import { RescueError } from '../../../shared/errors';
import type { DeviceModuleInfo } from '../control/module-info';
import { needsSystemReflash } from '../firmware/system-health';
import type { ControlRequestOptions, DiagnosisControl } from './ports';

export type ControlFacts = Pick<PlanFacts, 'mode' | 'cloudStatus' | 'systemFirmwareValid' | 'userFirmwareValid'> & {
  deviceOsVersion: string | null;
  modules: DeviceModuleInfo[] | null;
  /** What could not be asked, as findings (old Device OS, a request the firmware lacks). */
  notes: Finding[];
};

async function ask<T>(what: string, question: () => Promise<T>, notes: Finding[]): Promise<T | null> {
  try {
    return await question();
  } catch (error) {
    if (RescueError.is(error, 'CANCELLED')) throw error;
    const reason = error instanceof RescueError ? error.message : 'no answer';
    notes.push({ id: `control-${what.toLowerCase().replace(/\s+/g, '-')}`, source: 'control', severity: 'info', title: `Could not read the ${what}`, detail: reason });
    return null;
  }
}

export function toCloudStatus(status: Awaited<ReturnType<DiagnosisControl['cloudStatus']>> | null): PlanFacts['cloudStatus'] {
  if (status === null) return 'unknown';
  return status === 'disconnecting' ? 'disconnected' : status;
}

/** The application counts as valid when a user part is installed and passes the device's own checks. */
function userFirmwareValid(modules: DeviceModuleInfo[]): boolean {
  return modules.some((m) => m.store === 'main' && m.function === 'userPart' && m.valid);
}

/** Everything a device in normal or listening mode tells over control requests; read-only. */
export async function readControlFacts(control: DiagnosisControl, platformId: number, options: ControlRequestOptions): Promise<ControlFacts> {
  const notes: Finding[] = [];
  const mode = await ask('device mode', () => control.deviceMode(options), notes);
  const deviceOsVersion = await ask('Device OS version', () => control.systemVersion(options), notes);
  const cloud = await ask('cloud status', () => control.cloudStatus(options), notes);
  const modules = await ask('module list', () => control.moduleInfo(options), notes);
  if (deviceOsVersion) {
    notes.push({ id: 'device-os', source: 'control', severity: 'info', title: `Device OS ${deviceOsVersion}`, detail: 'The version the device reports.' });
  }
  const userValid = modules ? userFirmwareValid(modules) : null;
  return {
    // Device OS that runs without a valid application is in safe mode (request 72 only knows normal/listening).
    mode: mode === 'normal' && userValid === false ? 'safe' : (mode ?? 'unknown'),
    cloudStatus: toCloudStatus(cloud),
    deviceOsVersion,
    modules,
    systemFirmwareValid: modules ? !needsSystemReflash(modules, true, platformId) : null,
    userFirmwareValid: userValid,
    notes,
  };
}
