import type { ModuleInfo } from '../../../shared/contract/firmware';
import type { DeviceModuleInfo } from '../control/module-info';
import { describeModule } from './module-format';
import { needsSystemReflash } from './system-health';

const CHECK_NAMES: [number, string][] = [
  [0x02, 'integrity (CRC)'], [0x04, 'dependencies'], [0x08, 'address range'], [0x10, 'platform'], [0x20, 'product'], [0x40, 'dependencies'],
];

function failedChecks(mask: number): string {
  return [...new Set(CHECK_NAMES.filter(([bit]) => mask & bit).map(([, name]) => name))].join(', ') || 'its checks';
}

/**
 * Compare what was flashed with what the restarted device reports (control request 90), and judge the whole
 * device: confirmed only when every module it reports is valid, its Device OS is complete and it has a valid
 * app (otherwise it runs in safe mode).
 */
export function confirmModules(
  flashed: ModuleInfo[],
  reported: DeviceModuleInfo[],
  platformId: number,
): { modules: { function: ModuleInfo['function']; index: number; version: number; valid: boolean }[]; problem: string | null; fix: string } {
  const main = reported.filter((m) => m.store === 'main');
  const modules = main.map((m) => ({ function: m.function, index: m.index, version: m.version, valid: m.valid }));
  const issues: string[] = [];
  const fixes: string[] = [];
  for (const f of flashed) {
    const what = describeModule(f.function, f.index);
    // The device numbers user parts by slot; match user firmware by function alone.
    const match = main.find((m) => m.function === f.function && (f.function === 'userPart' || m.index === f.index));
    if (!match) issues.push(`the device does not report ${what}`);
    else if (match.version !== f.version) issues.push(`the device reports ${what} version ${match.version}, not ${f.version}`);
  }
  if (issues.length > 0) fixes.push('Run the same flash again. If the device still disagrees, restore the backup and report it.');
  for (const m of main.filter((x) => !x.valid)) {
    const what = describeModule(m.function, m.index);
    issues.push(`${what} v${m.version} fails ${failedChecks(m.failedChecks)}`);
    fixes.push(
      m.function === 'userPart'
        ? 'Flash an app built for the Device OS now on the device (e.g. Tinker for that version); until then it runs in safe mode.'
        : `Flash ${what} from the Device OS release the other parts come from.`,
    );
  }
  if (!main.some((m) => m.function === 'userPart')) {
    issues.push('the device has no app, so it runs in safe mode');
    fixes.push('Flash an app (e.g. Tinker) built for its Device OS.');
  }
  if (needsSystemReflash(reported, true, platformId) && !main.some((m) => m.function === 'systemPart' && !m.valid)) {
    issues.push('its Device OS is incomplete (a system part is missing)');
    fixes.push('Flash the complete Device OS release for this platform.');
  }
  return {
    modules,
    problem: issues.length > 0 ? `After restarting, ${issues.join('; ')}.` : null,
    fix: [...new Set(fixes)].join(' '),
  };
}
