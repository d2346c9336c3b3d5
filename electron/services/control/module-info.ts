/** Module functions as the contract names them (shared/contract/firmware.ts ModuleFunctionSchema). */
export type ModuleFunction =
  | 'none'
  | 'resource'
  | 'bootloader'
  | 'monoFirmware'
  | 'systemPart'
  | 'userPart'
  | 'settings'
  | 'ncpFirmware'
  | 'radioStack'
  | 'asset'
  | 'unknown';

export interface ModuleDependency {
  function: ModuleFunction;
  index: number;
  version: number;
}

/** One firmware module as the device reports it (control request 90). */
export interface DeviceModuleInfo {
  function: ModuleFunction;
  index: number;
  version: number;
  size: number;
  /** Validation checks that failed (bits: 0x02 integrity, 0x04 dependencies, 0x08 range, 0x10 platform, 0x20 product, 0x40 dependencies-full); 0 = valid. */
  failedChecks: number;
  valid: boolean;
  /** Where the module lives: main slot, or the factory/backup/scratchpad copies (new format only). */
  store: 'main' | 'factory' | 'backup' | 'scratchpad';
  dependencies: ModuleDependency[];
}

/** `particle.ctrl.FirmwareModuleType` (deprecated list, field 1). */
const LEGACY_FUNCTIONS: Record<number, ModuleFunction> = {
  0: 'none',
  1: 'bootloader',
  2: 'systemPart',
  3: 'userPart',
  4: 'monoFirmware',
  5: 'ncpFirmware',
  6: 'radioStack',
};

/** `particle.cloud.FirmwareModuleType` (new list, field 2, Device OS ≥ 5.6.0). */
const FUNCTIONS: Record<number, ModuleFunction> = {
  0: 'none',
  1: 'resource',
  2: 'bootloader',
  3: 'monoFirmware',
  4: 'systemPart',
  5: 'userPart',
  6: 'settings',
  7: 'ncpFirmware',
  8: 'radioStack',
  9: 'asset',
};

const STORES = ['main', 'factory', 'backup', 'scratchpad'] as const;

interface RawDependency {
  type?: number;
  index?: number;
  version?: number;
}

interface RawLegacyModule extends RawDependency {
  size?: number;
  validity?: number;
  dependencies?: RawDependency[];
}

interface RawModule extends RawDependency {
  size?: number;
  store?: number;
  checkedFlags?: number;
  passedFlags?: number;
  dependencies?: RawDependency[];
}

function dependency(raw: RawDependency, names: Record<number, ModuleFunction>): ModuleDependency {
  return { function: names[raw.type ?? 0] ?? 'unknown', index: raw.index ?? 0, version: raw.version ?? 0 };
}

/**
 * The legacy list's `validity` has its own bits (control/storage.proto FirmwareModuleValidityFlag: 0x01 integrity
 * check failed, 0x02 dependency check failed); map them onto the new list's check bits (0x02, 0x04).
 */
function legacyFailedChecks(validity: number): number {
  return (validity & 0x01 ? 0x02 : 0) | (validity & 0x02 ? 0x04 : 0);
}

/**
 * Prefer the new-format list when the device sends one. The legacy list's `validity` is a failed-check
 * mask (0 = all checks passed).
 */
export function toDeviceModuleInfo(reply: Record<string, unknown>): DeviceModuleInfo[] {
  const modules = (reply.modules as RawModule[] | undefined) ?? [];
  if (modules.length > 0) {
    return modules.map((m) => {
      const failedChecks = (m.checkedFlags ?? 0) & ~(m.passedFlags ?? 0);
      return {
        ...dependency(m, FUNCTIONS),
        size: m.size ?? 0,
        failedChecks,
        valid: failedChecks === 0,
        store: STORES[m.store ?? 0] ?? 'main',
        dependencies: (m.dependencies ?? []).map((d) => dependency(d, FUNCTIONS)),
      };
    });
  }
  const legacy = (reply.modulesDeprecated as RawLegacyModule[] | undefined) ?? [];
  return legacy.map((m) => ({
    ...dependency(m, LEGACY_FUNCTIONS),
    size: m.size ?? 0,
    failedChecks: legacyFailedChecks(m.validity ?? 0),
    valid: (m.validity ?? 0) === 0,
    store: 'main',
    dependencies: (m.dependencies ?? []).map((d) => dependency(d, LEGACY_FUNCTIONS)),
  }));
}
