import type { FileProblem, FlashPlan, FlashPlanStep, ModuleInfo } from '../../../shared/contract/firmware';
import type { DeviceModuleInfo } from '../control/module-info';
import { checkDependencies } from './dependencies';
import { findSlot, formerUserPart, platformGeneration, platformName, slotsFor, type FlashSlot } from './flash-slots';
import type { InspectedFile } from './inspect';
import { problem } from './module-checks';
import { FLAG, describeModule, hex, type ModuleFunction } from './module-format';
import { orderModules } from './module-order';
import { checkWholeDevice } from './whole-device';
import type { ParsedModule } from './module-parser';

export interface ExecutableStep {
  step: FlashPlanStep;
  image: Uint8Array;
}

/** A region read over DFU before writing; modules found at `starts` are kept as restorable images. */
export interface BackupRegion {
  what: string;
  function: ModuleFunction;
  alt: number;
  address: number;
  length: number;
  starts: number[];
  /** Keep the raw region even when no valid module is in it (a damaged system part is still evidence). */
  keepRaw: boolean;
}

export interface PlannedFlash {
  plan: FlashPlan;
  steps: ExecutableStep[];
  backups: BackupRegion[];
}

export interface PlanInput {
  deviceId: string;
  platformId: number;
  inspected: InspectedFile[];
  installed: DeviceModuleInfo[] | null;
}

const DFU_ALT = 0;
const UNFLASHABLE_FLAGS = FLAG.compressed | FLAG.combined | FLAG.encrypted | FLAG.dropModuleInfo;

function routeProblem(m: ModuleInfo, slot: FlashSlot | null, platformId: number): FileProblem | null {
  const what = describeModule(m.function, m.index);
  const name = platformName(platformId);
  if (!slot || slot.route === 'unsupported') {
    return problem('REGION_NOT_WRITABLE', `${m.fileName}: Particle Rescue does not flash a ${what} on a ${name}.`, `Leave ${m.fileName} out, or flash it with particle-cli.`);
  }
  if (slot.route === 'control-request') {
    const why = platformGeneration(platformId) === 2 ? 'its flash sector is protected in DFU mode' : 'it is installed in normal mode, not over DFU';
    return problem(
      'REGION_NOT_WRITABLE',
      `${m.fileName}: the ${what} cannot be written over DFU (${why}); it goes through control requests 250–253, which Particle Rescue does not send yet.`,
      `Leave ${m.fileName} out of this flash, or install it with \`particle flash --local ${m.fileName.split('/').pop()}\` while the device is in normal mode.`,
    );
  }
  if (m.flags & UNFLASHABLE_FLAGS) {
    return problem('FIRMWARE_INVALID', `${m.fileName}: compressed, combined or encrypted modules cannot be written over DFU.`, 'Use the plain .bin from the Device OS release or your build output.');
  }
  return null;
}

function setProblems(modules: ModuleInfo[]): FileProblem[] {
  const out: FileProblem[] = [];
  modules.forEach((a, i) => {
    for (const b of modules.slice(i + 1)) {
      if (a.function === b.function && a.index === b.index) {
        out.push(problem('FIRMWARE_INVALID', `${a.fileName} and ${b.fileName} are both ${describeModule(a.function, a.index)}.`, 'Keep only one of them.'));
      } else if (a.startAddress < b.startAddress + b.size && b.startAddress < a.startAddress + a.size) {
        out.push(problem('FIRMWARE_INVALID', `${a.fileName} and ${b.fileName} overlap in flash.`, 'Flash them separately, or use files from one Device OS release.'));
      }
    }
  });
  return out;
}

function backupRegions(platformId: number, dfuModules: ModuleInfo[]): BackupRegion[] {
  const slots = slotsFor(platformId) ?? [];
  const userSlots = slots.filter((s) => s.function === 'userPart');
  const regions: BackupRegion[] = [];
  if (userSlots.length > 0) {
    const address = Math.min(...userSlots.map((s) => s.startMin));
    const end = Math.max(...userSlots.map((s) => s.end));
    const starts: number[] = [];
    for (const s of userSlots) for (let a = s.startMin; a <= s.startMax; a += 0x1000) starts.push(a);
    regions.push({ what: 'user firmware on the device', function: 'userPart', alt: DFU_ALT, address, length: end - address, starts, keepRaw: false });
  }
  for (const m of dfuModules.filter((x) => x.function === 'systemPart')) {
    const found = findSlot(platformId, m.function, m.index, m.startAddress);
    if (!found) continue;
    const { slot } = found;
    const starts = slots.filter((s) => s.function === 'systemPart' && s.startMin >= slot.startMin && s.startMin < slot.end).map((s) => s.startMin);
    regions.push({
      what: `${describeModule(m.function, m.index)} on the device`,
      function: 'systemPart',
      alt: DFU_ALT,
      address: slot.startMin,
      length: slot.end - slot.startMin,
      starts,
      keepRaw: true,
    });
  }
  return regions;
}

function outcome(platformId: number, set: ModuleInfo[], installed: DeviceModuleInfo[] | null): string {
  const keys = new Map<string, { fn: ModuleFunction; index: number }>();
  for (const s of slotsFor(platformId) ?? []) if (s.route === 'dfu' && s.function === 'systemPart') keys.set(`${s.function}:${s.index}`, { fn: s.function, index: s.index ?? 0 });
  for (const m of set) keys.set(`${m.function}:${m.index}`, { fn: m.function, index: m.index });
  const parts: string[] = [];
  const hasUser = set.some((m) => m.function === 'userPart');
  for (const { fn, index } of keys.values()) {
    const what = describeModule(fn, index);
    const fromSet = set.find((m) => m.function === fn && m.index === index);
    if (fromSet) {
      parts.push(`${what} v${fromSet.version} (${fromSet.fileName.split('/').pop()})`);
      continue;
    }
    const onDevice = installed?.find((m) => m.store === 'main' && m.function === fn && m.index === index);
    parts.push(onDevice ? `${what} v${onDevice.version} (already on the device${onDevice.valid ? '' : ', damaged'})` : `${what} (unchanged)`);
  }
  if (!hasUser) parts.push('its current user firmware');
  return `After flashing, the ${platformName(platformId)} runs ${parts.join(', ')}.`;
}

/** Pure: checks, orders and places a set of modules for one device. Nothing here touches USB. */
export function planFlash(input: PlanInput): PlannedFlash {
  const { deviceId, platformId, inspected, installed } = input;
  const problems: FileProblem[] = inspected.flatMap((f) => f.problems);
  const given: ParsedModule[] = inspected.flatMap((f) => f.modules);
  const fromArchive = new Set(inspected.filter((f) => f.archive).flatMap((f) => f.modules));
  const skipped: FileProblem[] = [];
  const name = platformName(platformId);
  const routes = new Map<ParsedModule, FlashSlot | null>();
  const modules: ParsedModule[] = [];
  for (const m of given) {
    if (m.info.platformId !== platformId) {
      problems.push(problem('WRONG_PLATFORM', `${m.info.fileName} is built for ${platformName(m.info.platformId)} (platform ${m.info.platformId}); this device is a ${name} (platform ${platformId}).`, `Use the file built for ${name}.`));
      continue;
    }
    const slot = findSlot(platformId, m.info.function, m.info.index, m.info.startAddress)?.slot ?? null;
    routes.set(m, slot);
    const routeIssue = routeProblem(m.info, slot, platformId);
    if (routeIssue && fromArchive.has(m) && routeIssue.code === 'REGION_NOT_WRITABLE') {
      // A release archive also carries the bootloader; reflashing Device OS must not fail because of it.
      skipped.push({ ...routeIssue, message: `Skipped: ${routeIssue.message}` });
      continue;
    }
    modules.push(m);
    if (routeIssue) problems.push(routeIssue);
    else if (m.crcCoverage === 'whole-file') {
      problems.push(problem('FIRMWARE_INVALID', `${m.info.fileName}: its CRC does not sit at the end address in its header (${hex(m.info.endAddress)}), so the device would reject it after flashing.`, 'Use a module built by a current Device OS toolchain.'));
    }
  }
  if (modules.length === 0 && problems.length === 0) {
    problems.push(problem('FIRMWARE_INVALID', 'No firmware modules this app can write were given.', 'Choose one or more .bin files or a Device OS release .zip.'));
  }
  const infos = modules.map((m) => m.info);
  problems.push(...setProblems(infos));
  const deps = checkDependencies(infos, installed);
  problems.push(...deps.problems);

  const whole = installed ? checkWholeDevice(infos, installed) : { problems: [], consent: [], warnings: [] };
  problems.push(...whole.problems);
  const warnings = [...skipped, ...deps.warnings, ...whole.warnings];
  const ordered = orderModules(modules);
  const steps: ExecutableStep[] = ordered.map((m) => ({
    image: m.image,
    step: {
      fileName: m.info.fileName,
      label: `${describeModule(m.info.function, m.info.index)} v${m.info.version} → ${hex(m.info.startAddress)}`,
      module: m.info,
      alt: DFU_ALT,
      address: m.info.startAddress,
      length: m.image.length,
      route: routes.get(m)?.route === 'control-request' ? 'control-request' : 'dfu',
    },
  }));
  const dfuInfos = steps.filter((s) => s.step.route === 'dfu').map((s) => s.step.module);
  const former = formerUserPart(platformId);
  const invalidateFirst =
    former && dfuInfos.some((m) => m.function === 'userPart' && m.startAddress !== former.address)
      ? [{ what: 'legacy user firmware slot (replaced by the new 256 KB slot since Device OS 3.1)', alt: former.alt, address: former.address, length: former.size }]
      : [];
  const backups = backupRegions(platformId, dfuInfos);
  const plan: FlashPlan = {
    deviceId,
    platformId,
    steps: steps.map((s) => s.step),
    backupFirst: backups.map((b) => ({ what: b.what, address: b.address, length: b.length })),
    invalidateFirst,
    outcome: problems.length > 0 ? 'Nothing will be written until the problems below are fixed.' : outcome(platformId, infos, installed),
    problems,
    warnings,
    consent: problems.length > 0 ? [] : whole.consent,
  };
  return { plan, steps, backups };
}
