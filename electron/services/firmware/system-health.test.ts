import { describe, expect, it } from 'vitest';
import type { DeviceModuleInfo } from '../control/module-info';
import { needsSystemReflash } from './system-health';

const mod = (index: number, valid = true, failedChecks = valid ? 0 : 0x02): DeviceModuleInfo => ({
  function: 'systemPart', index, version: 2302, size: 1, failedChecks, valid, store: 'main', dependencies: [],
});

describe('needsSystemReflash', () => {
  it('Photon/P1 with unknown modules: reflash first exactly when the DCT cannot be read', () => {
    expect(needsSystemReflash(null, false, 6)).toBe(true);
    expect(needsSystemReflash(null, false, 8)).toBe(true);
    expect(needsSystemReflash(null, true, 6)).toBe(false);
  });

  it('Electron and Gen 3 bootloaders reach the DCT themselves', () => {
    expect(needsSystemReflash(null, false, 10)).toBe(false);
    expect(needsSystemReflash(null, false, 13)).toBe(false);
  });

  it('any damaged, inconsistent or missing system part means reflash first', () => {
    expect(needsSystemReflash([mod(1), mod(2, false)], true, 6)).toBe(true);
    expect(needsSystemReflash([mod(1), mod(2, false, 0x04)], true, 6)).toBe(true);
    expect(needsSystemReflash([mod(1)], true, 6)).toBe(true);
    expect(needsSystemReflash([mod(1), mod(2)], true, 10)).toBe(true);
    expect(needsSystemReflash([], true, 13)).toBe(true);
  });

  it('healthy system firmware: keys can be repaired directly', () => {
    expect(needsSystemReflash([mod(1), mod(2)], true, 6)).toBe(false);
    expect(needsSystemReflash([mod(1), mod(2)], false, 6)).toBe(false);
    expect(needsSystemReflash([mod(1), mod(2), mod(3)], true, 10)).toBe(false);
    expect(needsSystemReflash([mod(1)], false, 13)).toBe(false);
  });
});
