import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FUSE_STATE, SECURITY_FUSES, SHIPPED_FUSES, fuseWireConfig, fuseWireViolations } from './fuses';

const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
const { FuseV1Options } = requireFromBuilder('@electron/fuses') as { FuseV1Options: Record<string, string | number> };

const fuseNames = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)));

function wireWith(states: Record<string, boolean>): Record<string, unknown> {
  const wire: Record<string, unknown> = { version: '1' };
  for (const [name, enabled] of Object.entries(states)) {
    wire[FuseV1Options[name] as number] = enabled ? FUSE_STATE.enable : FUSE_STATE.disable;
  }
  return wire;
}

describe('shipped Electron fuses', () => {
  it('turn off running as Node, NODE_OPTIONS and --inspect, and turn on asar-only, asar integrity and cookie encryption', () => {
    expect(SHIPPED_FUSES).toMatchObject({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      OnlyLoadAppFromAsar: true,
      EnableEmbeddedAsarIntegrityValidation: true,
      EnableCookieEncryption: true,
    });
    expect([...SECURITY_FUSES].sort()).toEqual(
      [
        'EnableCookieEncryption',
        'EnableEmbeddedAsarIntegrityValidation',
        'EnableNodeCliInspectArguments',
        'EnableNodeOptionsEnvironmentVariable',
        'OnlyLoadAppFromAsar',
        'RunAsNode',
      ].sort(),
    );
  });

  it('decide every fuse the installed @electron/fuses knows, so an upgrade forces a decision', () => {
    expect(Object.keys(SHIPPED_FUSES).sort()).toEqual([...fuseNames].sort());
  });

  it('map onto the fuse-wire indexes of @electron/fuses', () => {
    const config = fuseWireConfig(FuseV1Options, 'linux', 'x64');
    expect(config.version).toBe('1');
    expect(config.strictlyRequireAllFuses).toBe(false);
    expect(config.resetAdHocDarwinSignature).toBe(false);
    expect(config[FuseV1Options.RunAsNode as number]).toBe(false);
    expect(config[FuseV1Options.OnlyLoadAppFromAsar as number]).toBe(true);
    for (const name of fuseNames) {
      expect(config[FuseV1Options[name] as number]).toBe(SHIPPED_FUSES[name as keyof typeof SHIPPED_FUSES]);
    }
  });

  it('renew the ad-hoc signature only for arm64 macOS', () => {
    expect(fuseWireConfig(FuseV1Options, 'darwin', 'arm64').resetAdHocDarwinSignature).toBe(true);
    expect(fuseWireConfig(FuseV1Options, 'darwin', 'x64').resetAdHocDarwinSignature).toBe(false);
    expect(fuseWireConfig(FuseV1Options, 'win32', 'arm64').resetAdHocDarwinSignature).toBe(false);
  });

  it('refuse a fuse table that lacks one of the shipped fuses', () => {
    const { RunAsNode: _dropped, ...older } = FuseV1Options;
    expect(() => fuseWireConfig(older, 'linux', 'x64')).toThrow(/RunAsNode/);
  });

  it('report no violation for a wire that matches', () => {
    expect(fuseWireViolations(wireWith(SHIPPED_FUSES), FuseV1Options)).toEqual([]);
  });

  it('report each fuse left in the wrong state, and fuses missing from the wire', () => {
    const wire = wireWith({ ...SHIPPED_FUSES, RunAsNode: true, OnlyLoadAppFromAsar: false });
    delete wire[FuseV1Options.EnableNodeCliInspectArguments as number];
    expect(fuseWireViolations(wire, FuseV1Options)).toEqual([
      'RunAsNode must be off but is on',
      'EnableNodeCliInspectArguments must be off but is not set',
      'OnlyLoadAppFromAsar must be on but is off',
    ]);
  });
});
