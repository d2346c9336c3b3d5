import type { FileProblem, ModuleInfo } from '../../../shared/contract/firmware';
import type { DeviceModuleInfo } from '../control/module-info';
import { problem } from './module-checks';
import { describeModule } from './module-format';

/** Failed checks that only say "my own dependency is missing": the module itself is intact. */
const DEPENDENCY_CHECKS = 0x04 | 0x40;

function usable(m: DeviceModuleInfo): boolean {
  return (m.failedChecks & ~DEPENDENCY_CHECKS) === 0;
}

/**
 * Every dependency of every module must be met by the set itself or by what stays on the device. When the
 * device's modules are unknown (it is in DFU mode), dependencies outside the set become warnings.
 */
export function checkDependencies(
  set: ModuleInfo[],
  installed: DeviceModuleInfo[] | null,
): { problems: FileProblem[]; warnings: FileProblem[] } {
  const problems: FileProblem[] = [];
  const warnings: FileProblem[] = [];
  for (const m of set) {
    for (const dep of m.dependencies) {
      const need = `${describeModule(dep.function, dep.index)} version ${dep.version} or later`;
      const inSet = set.find((o) => o !== m && o.function === dep.function && o.index === dep.index);
      if (inSet) {
        if (inSet.version < dep.version) {
          problems.push(problem('DEPENDENCY_UNMET', `${m.fileName} needs ${need}, but ${inSet.fileName} is version ${inSet.version}.`, `Use matching files from one Device OS release.`));
        }
        continue;
      }
      if (installed === null) {
        warnings.push(problem('DEPENDENCY_UNMET', `${m.fileName} needs ${need}; the device's modules could not be read to confirm it.`, 'If the device does not start afterwards, flash the matching Device OS system parts too.'));
        continue;
      }
      const onDevice = installed.find((o) => o.store === 'main' && o.function === dep.function && o.index === dep.index);
      const fix = `Add ${describeModule(dep.function, dep.index)} from Device OS (module version ≥ ${dep.version}) to this flash.`;
      if (!onDevice) {
        problems.push(problem('DEPENDENCY_UNMET', `${m.fileName} needs ${need}; the device has none.`, fix));
      } else if (!usable(onDevice)) {
        problems.push(problem('DEPENDENCY_UNMET', `${m.fileName} needs ${need}; the device's copy is damaged.`, fix));
      } else if (onDevice.version < dep.version) {
        problems.push(problem('DEPENDENCY_UNMET', `${m.fileName} needs ${need}; the device has version ${onDevice.version}.`, fix));
      }
    }
  }
  return { problems, warnings };
}
