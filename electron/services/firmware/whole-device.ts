import type { FileProblem, ModuleInfo } from '../../../shared/contract/firmware';
import type { DeviceModuleInfo } from '../control/module-info';
import { problem } from './module-checks';
import { describeModule } from './module-format';

/** Failed checks that only say "my own dependency is missing": the module itself is intact. */
const DEPENDENCY_CHECKS = 0x04 | 0x40;

/** One module the device will hold after the flash: from the files, or left on the device. */
interface After {
  function: ModuleInfo['function'];
  index: number;
  version: number;
  dependencies: ModuleInfo['dependencies'];
  from: 'set' | 'device';
  fileName: string | null;
  intact: boolean;
}

export interface WholeDeviceCheck {
  /** The device would not start its Device OS: nothing is written. */
  problems: FileProblem[];
  /** It would start, but the user gives something up (older Device OS, an app left in safe mode): ask first. */
  consent: FileProblem[];
  /** Already wrong on the device and left so by this flash. */
  warnings: FileProblem[];
}

/** The device numbers user parts by slot; a new app replaces the old one whatever its index. */
function sameSlot(a: { function: string; index: number }, b: { function: string; index: number }): boolean {
  return a.function === b.function && (a.function === 'userPart' || a.index === b.index);
}

/** The module set the device will have afterwards. */
export function modulesAfter(set: ModuleInfo[], installed: DeviceModuleInfo[]): After[] {
  const kept = installed
    .filter((m) => m.store === 'main' && !set.some((s) => sameSlot(s, m)))
    .map((m): After => ({ ...m, from: 'device', fileName: null, intact: (m.failedChecks & ~DEPENDENCY_CHECKS) === 0 }));
  return [...kept, ...set.map((m): After => ({ ...m, from: 'set', fileName: m.fileName, intact: m.crcOk }))];
}

function label(m: After): string {
  return `${describeModule(m.function, m.index)} v${m.version}${m.fileName ? ` (${m.fileName})` : ' on the device'}`;
}

/**
 * Checks every dependency of every module the device will hold after the flash (firmware-modules.md §7.1),
 * including modules left on the device that depend on a part being replaced. The set's own dependencies on
 * the device are checked by checkDependencies; this adds what the set does to the rest of the device.
 */
export function checkWholeDevice(set: ModuleInfo[], installed: DeviceModuleInfo[]): WholeDeviceCheck {
  const out: WholeDeviceCheck = { problems: [], consent: [], warnings: [] };
  const after = modulesAfter(set, installed);
  for (const m of after.filter((x) => x.from === 'set')) {
    const current = installed.find((o) => o.store === 'main' && sameSlot(o, m));
    if (m.function !== 'userPart' && current && current.version > m.version) {
      out.consent.push(problem('CONSENT_REQUIRED', `${m.fileName} replaces ${describeModule(m.function, m.index)} v${current.version} with the older v${m.version}.`, 'Only continue if this is the Device OS version you want; apps built for the newer one will not run on it.'));
    }
  }
  for (const m of after.filter((x) => x.from === 'device')) {
    const what = describeModule(m.function, m.index);
    if (!m.intact) {
      const text = `${what} v${m.version} on the device fails its checks and this flash leaves it as it is`;
      if (m.function === 'systemPart') out.problems.push(problem('DEPENDENCY_UNMET', `${text}, so the device would not start its Device OS.`, `Add ${what} from the same Device OS release to this flash.`));
      else out.warnings.push(problem('FIRMWARE_INVALID', `${text}.`, `Also flash a valid ${what}.`));
      continue;
    }
    for (const dep of m.dependencies) {
      const need = `${describeModule(dep.function, dep.index)} v${dep.version} or later`;
      const provider = after.find((o) => o.function === dep.function && o.index === dep.index);
      const met = provider !== undefined && provider.intact && provider.version >= dep.version;
      if (met) continue;
      const has = provider ? label(provider) : 'none';
      if (m.function === 'userPart') {
        // The app is only stranded if this flash is what breaks it; an app already broken stays a warning.
        const message = `The app on the device needs ${need}; after this flash it has ${has}, so the device will start in safe mode (breathing magenta).`;
        if (provider?.from === 'set') out.consent.push(problem('DEPENDENCY_UNMET', message, 'Also flash an app built for this Device OS version (e.g. Tinker for it), or continue and flash one afterwards.'));
        else out.warnings.push(problem('DEPENDENCY_UNMET', message, 'Flash an app built for the Device OS on the device.'));
        continue;
      }
      out.problems.push(
        problem(
          'DEPENDENCY_UNMET',
          `${what} v${m.version} on the device needs ${need}; after this flash it has ${has}, so the device would not start its Device OS.`,
          provider?.from === 'set'
            ? `Also flash ${what} from the same Device OS release as ${provider.fileName}, or use the ${describeModule(dep.function, dep.index)} that matches v${m.version}.`
            : `Add ${describeModule(dep.function, dep.index)} (module version ≥ ${dep.version}) to this flash.`,
        ),
      );
    }
  }
  return out;
}
