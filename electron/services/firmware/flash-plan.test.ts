import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeviceModuleInfo } from '../control/module-info';
import { planFlash } from './flash-plan';
import { inspectFiles, type FirmwareFile } from './inspect';
import { fixturesDir, photonSystemPart1, photonSystemPart2, photonUserPart, testModule, testZip } from './testing/test-modules';

const DEVICE = '0123456789abcdef01234567';

function installed(list: [DeviceModuleInfo['function'], number, number, boolean?][]): DeviceModuleInfo[] {
  return list.map(([fn, index, version, valid = true]) => ({
    function: fn, index, version, size: 0, failedChecks: valid ? 0 : 0x02, valid, store: 'main', dependencies: [],
  }));
}

const HEALTHY_PHOTON = installed([['bootloader', 0, 1100], ['systemPart', 1, 2302], ['systemPart', 2, 2302], ['userPart', 1, 6]]);

function plan(platformId: number, files: FirmwareFile[], device: DeviceModuleInfo[] | null = HEALTHY_PHOTON) {
  return planFlash({ deviceId: DEVICE, platformId, inspected: inspectFiles(files), installed: device });
}

const codes = (p: ReturnType<typeof plan>) => p.plan.problems.map((x) => x.code);

describe('planFlash', () => {
  it('orders a Photon system-part pair by dependency and places each at its start address', () => {
    const p = plan(6, [{ fileName: 'system-part2.bin', data: photonSystemPart2() }, { fileName: 'system-part1.bin', data: photonSystemPart1() }]);
    expect(codes(p)).toEqual([]);
    expect(p.plan.steps.map((s) => [s.fileName, s.address, s.alt, s.route])).toEqual([
      ['system-part1.bin', 0x08020000, 0, 'dfu'],
      ['system-part2.bin', 0x08060000, 0, 'dfu'],
    ]);
    expect(p.plan.outcome).toMatch(/system part 1 v2302 \(system-part1\.bin\), system part 2 v2302 \(system-part2\.bin\)/);
    expect(p.plan.backupFirst.map((b) => [b.address, b.length])).toEqual([[0x080a0000, 0x20000], [0x08020000, 0x40000], [0x08060000, 0x40000]]);
  });

  it('places Electron modules by prefix start address, not by file name', () => {
    const electron = (file: string, index: number, startAddress: number, dep: number) => ({
      fileName: file,
      data: testModule({ platformId: 10, function: 'systemPart', index, startAddress, seed: index, dependency: { function: 'systemPart', index: dep, version: 2302 } }),
    });
    const files = [electron('system-part1.bin', 3, 0x08060000, 2), electron('system-part3.bin', 2, 0x08040000, 1), electron('system-part2.bin', 1, 0x08020000, 3)];
    const p = plan(10, files, null);
    expect(codes(p)).toEqual([]);
    expect(p.plan.steps.map((s) => [s.fileName, s.module.index, s.address])).toEqual([
      ['system-part2.bin', 1, 0x08020000],
      ['system-part3.bin', 2, 0x08040000],
      ['system-part1.bin', 3, 0x08060000],
    ]);
  });

  it('puts dependencies first across kinds (system before user)', () => {
    const p = plan(6, [{ fileName: 'app.bin', data: photonUserPart() }, { fileName: 'os.zip', data: testZip([{ name: 'system-part2.bin', data: photonSystemPart2() }, { name: 'system-part1.bin', data: photonSystemPart1() }]) }]);
    expect(p.plan.steps.map((s) => s.module.function + s.module.index)).toEqual(['systemPart1', 'systemPart2', 'userPart1']);
  });

  it('refuses another platform’s binary', () => {
    const p = plan(13, [{ fileName: 'photon.bin', data: photonUserPart() }]);
    expect(codes(p)).toEqual(['WRONG_PLATFORM']);
    expect(p.plan.problems[0].message).toMatch(/Photon.*Boron/);
  });

  it('refuses dependencies the device does not meet, and ones the set does not meet', () => {
    const oldDevice = installed([['systemPart', 1, 1213], ['systemPart', 2, 1213]]);
    expect(codes(plan(6, [{ fileName: 'app.bin', data: photonUserPart() }], oldDevice))).toEqual(['DEPENDENCY_UNMET']);
    const damaged = installed([['systemPart', 1, 2302], ['systemPart', 2, 2302, false]]);
    expect(plan(6, [{ fileName: 'app.bin', data: photonUserPart() }], damaged).plan.problems[0].message).toMatch(/damaged/);
    const mixed = [{ fileName: 'sp1.bin', data: photonSystemPart1(2302) }, { fileName: 'sp2.bin', data: photonSystemPart2(2400) }];
    expect(codes(plan(6, mixed))).toEqual(['DEPENDENCY_UNMET']);
  });

  it('only warns about dependencies outside the set when the device modules are unknown', () => {
    const p = plan(6, [{ fileName: 'app.bin', data: photonUserPart() }], null);
    expect(codes(p)).toEqual([]);
    expect(p.plan.warnings.map((w) => w.code)).toEqual(['DEPENDENCY_UNMET']);
  });

  it('plans a Gen 2 bootloader as a control-request step and refuses it over DFU', () => {
    const p = plan(6, [{ fileName: 'bootloader.bin', data: testModule({ function: 'bootloader', startAddress: 0x08000000 }) }]);
    expect(p.plan.steps[0].route).toBe('control-request');
    expect(codes(p)).toEqual(['REGION_NOT_WRITABLE']);
    expect(p.plan.problems[0].message).toMatch(/protected/);
  });

  it('refuses a module too large for its slot and duplicate or overlapping modules', () => {
    expect(codes(plan(6, [{ fileName: 'big.bin', data: photonUserPart(1, { size: 0x21000 }) }]))).toEqual(['FIRMWARE_TOO_LARGE']);
    expect(codes(plan(6, [{ fileName: 'a.bin', data: photonUserPart(1) }, { fileName: 'b.bin', data: photonUserPart(2) }]))).toEqual(['FIRMWARE_INVALID']);
  });

  it('invalidates the legacy Gen 3 user slot first when a ≥ 3.1 user part goes to 0xB4000', () => {
    const boron = installed([['bootloader', 0, 1100], ['radioStack', 0, 202], ['systemPart', 1, 5002]]);
    const user = testModule({ platformId: 13, function: 'userPart', index: 2, startAddress: 0xb4000, prefixOffset: 0, dependency: { function: 'systemPart', index: 1, version: 5002 } });
    const p = plan(13, [{ fileName: 'app.bin', data: user }], boron);
    expect(codes(p)).toEqual([]);
    expect(p.plan.invalidateFirst).toEqual([expect.objectContaining({ address: 0xd4000, length: 4096, alt: 0 })]);
    expect(p.plan.backupFirst).toEqual([expect.objectContaining({ address: 0xb4000, length: 0x40000 })]);
  });
});

const fixtures = fixturesDir();
describe('planFlash on the real binaries', () => {
  beforeEach((ctx) => ctx.skip(!fixtures, 'needs ../shared/fixtures beside the checkout (reference material, not in the repository)'));
  const read = (name: string): FirmwareFile => ({ fileName: name, data: readFileSync(join(fixtures ?? '', name)) });

  it('orders the 043 system-part pair part 1 then part 2', () => {
    const p = plan(6, [read('043_system-part2.bin'), read('043_system-part1.bin')], null);
    expect(codes(p)).toEqual([]);
    expect(p.plan.steps.map((s) => [s.fileName, s.address])).toEqual([['043_system-part1.bin', 0x08020000], ['043_system-part2.bin', 0x08060000]]);
  });

  it.each([
    ['photon_tinker.bin', 13],
    ['electron_tinker.bin', 6],
    ['boron_blank.bin', 10],
    ['p2-user-part.bin', 12],
    ['argon-bootloader-620.bin', 32],
    ['043_system-part1.bin', 10],
  ])('refuses %s on platform %i', (file, platformId) => {
    expect(codes(plan(platformId, [read(file)], null))).toContain('WRONG_PLATFORM');
  });

  it.each([
    ['photon_tinker.bin', 6],
    ['electron_tinker.bin', 10],
    ['boron_blank.bin', 13],
    ['p2-user-part.bin', 32],
  ])('accepts %s on its own platform', (file, platformId) => {
    expect(codes(plan(platformId, [read(file)], null))).toEqual([]);
  });

  it('refuses the bootloaders over DFU (control-request route)', () => {
    expect(codes(plan(6, [read('RC2_bootloader.bin')], null))).toEqual(['REGION_NOT_WRITABLE']);
    expect(codes(plan(12, [read('argon-bootloader-620.bin')], null))).toEqual(['REGION_NOT_WRITABLE']);
  });
});

describe('planFlash: consent and the whole device', () => {
  it('asks for consent, before anything is written, when Device OS would be downgraded', () => {
    const p = planFlash({
      deviceId: DEVICE,
      platformId: 6,
      inspected: inspectFiles([{ fileName: 'sp1.bin', data: photonSystemPart1(1213) }, { fileName: 'sp2.bin', data: photonSystemPart2(1213) }]),
      installed: HEALTHY_PHOTON,
    });
    expect(p.plan.problems).toEqual([]);
    expect(p.plan.consent.map((w) => w.message)).toEqual([expect.stringMatching(/v2302 with the older v1213/), expect.stringMatching(/v2302 with the older v1213/)]);
    expect(p.plan.warnings).toEqual([]);
  });

  it('asks for consent when the app already on the device would be left without the Device OS it needs', () => {
    const device = HEALTHY_PHOTON.map((m) => (m.function === 'userPart' ? { ...m, dependencies: [{ function: 'systemPart' as const, index: 2, version: 2302 }] } : m));
    const p = planFlash({
      deviceId: DEVICE,
      platformId: 6,
      inspected: inspectFiles([{ fileName: 'sp1.bin', data: photonSystemPart1(1213) }, { fileName: 'sp2.bin', data: photonSystemPart2(1213) }]),
      installed: device,
    });
    expect(p.plan.problems).toEqual([]);
    expect(p.plan.consent.at(-1)?.message).toMatch(/app on the device needs system part 2 v2302.*safe mode/);
  });

  it('refuses a system part 2 that system part 1 left on the device does not accept (it would not boot)', () => {
    const p = planFlash({
      deviceId: DEVICE,
      platformId: 6,
      inspected: inspectFiles([{ fileName: 'sp2-old.bin', data: photonSystemPart2(110, { dependency: { function: 'systemPart', index: 1, version: 110 } }) }]),
      installed: HEALTHY_PHOTON.map((m) => (m.function === 'systemPart' && m.index === 1 ? { ...m, dependencies: [{ function: 'systemPart' as const, index: 2, version: 207 }] } : m)),
    });
    expect(p.plan.problems.map((x) => x.message)).toEqual([expect.stringMatching(/system part 1 v2302 on the device needs system part 2 v207 or later; after this flash it has system part 2 v110 \(sp2-old.bin\).*would not start/)]);
    expect(p.plan.problems[0].fix).toMatch(/Also flash system part 1 from the same Device OS release as sp2-old.bin/);
    expect(p.plan.consent).toEqual([]);
  });

  it('refuses to leave a damaged system part on the device, and warns about a damaged app it keeps', () => {
    const installed = HEALTHY_PHOTON.map((m) =>
      m.function === 'systemPart' && m.index === 2 ? { ...m, failedChecks: 0x02, valid: false } : m.function === 'userPart' ? { ...m, failedChecks: 0x02, valid: false } : m,
    );
    const sp1 = planFlash({ deviceId: DEVICE, platformId: 6, inspected: inspectFiles([{ fileName: 'sp1.bin', data: photonSystemPart1() }]), installed });
    expect(sp1.plan.problems.map((x) => x.message)).toContainEqual(expect.stringMatching(/system part 2 v2302 on the device fails its checks.*would not start/));
    const both = planFlash({ deviceId: DEVICE, platformId: 6, inspected: inspectFiles([{ fileName: 'sp1.bin', data: photonSystemPart1() }, { fileName: 'sp2.bin', data: photonSystemPart2() }]), installed });
    expect(both.plan.problems).toEqual([]);
    expect(both.plan.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/user firmware v\d+ on the device fails its checks/)]);
  });
});

describe('planFlash with a full Device OS release archive', () => {
  it('skips the bootloader inside a zip with a warning and still flashes the system parts', () => {
    const zip = testZip([
      { name: 'bootloader.bin', data: testModule({ function: 'bootloader', version: 1100, startAddress: 0x08000000 }) },
      { name: 'system-part1.bin', data: photonSystemPart1() },
      { name: 'system-part2.bin', data: photonSystemPart2() },
    ]);
    const p = plan(6, [{ fileName: 'photon-2.3.1.zip', data: zip }]);
    expect(codes(p)).toEqual([]);
    expect(p.plan.steps.map((s) => s.module.function)).toEqual(['systemPart', 'systemPart']);
    expect(p.plan.warnings[0]).toMatchObject({ code: 'REGION_NOT_WRITABLE', message: expect.stringMatching(/^Skipped: .*bootloader/) });
  });

  it('does not count a skipped bootloader as meeting a dependency', () => {
    const noBootloader = installed([['systemPart', 1, 2302], ['systemPart', 2, 2302]]);
    const zip = testZip([
      { name: 'bootloader.bin', data: testModule({ function: 'bootloader', version: 1100, startAddress: 0x08000000 }) },
      { name: 'system-part1.bin', data: photonSystemPart1() },
      { name: 'system-part2.bin', data: photonSystemPart2() },
    ]);
    expect(codes(plan(6, [{ fileName: 'r.zip', data: zip }], noBootloader))).toEqual(['DEPENDENCY_UNMET']);
  });
});
