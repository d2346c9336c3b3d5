import type { ModuleInfo } from '../../../shared/contract/firmware';
import type { DeviceModuleInfo } from '../control/module-info';
import { describeModule } from './module-format';

/** Compare what was flashed with what the restarted device reports (control request 90). */
export function confirmModules(
  flashed: ModuleInfo[],
  reported: DeviceModuleInfo[],
): { modules: { function: ModuleInfo['function']; index: number; version: number; valid: boolean }[]; problem: string | null } {
  const modules = reported.filter((m) => m.store === 'main').map((m) => ({ function: m.function, index: m.index, version: m.version, valid: m.valid }));
  const issues: string[] = [];
  for (const f of flashed) {
    const what = describeModule(f.function, f.index);
    // The device numbers user parts by slot; match user firmware by function alone.
    const match = modules.find((m) => m.function === f.function && (f.function === 'userPart' || m.index === f.index));
    if (!match) issues.push(`the device does not report ${what}`);
    else if (match.version !== f.version) issues.push(`the device reports ${what} version ${match.version}, not ${f.version}`);
    else if (!match.valid) issues.push(`the device reports ${what} as failing its checks`);
  }
  return { modules, problem: issues.length > 0 ? `After restarting, ${issues.join('; ')}.` : null };
}
