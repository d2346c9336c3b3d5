import { beforeAll, describe, expect, it } from 'vitest';
import { ASAR_LIMIT_BYTES, type PackageSmokeResult, runPackageSmoke as smoke } from './package-smoke.mjs';

const SMOKE_TIMEOUT = 240_000;

/** Replaces the YAML list under `key:` (top level) with `replacement`. */
function replaceList(text: string, key: string, replacement: string): string {
  const pattern = new RegExp(`^${key}:\\n(?:  - .*\\n)+`, 'm');
  expect(text).toMatch(pattern);
  return text.replace(pattern, replacement);
}

describe('packaging smoke (electron-builder --dir against a stub Electron, offline)', () => {
  it(
    'packages app.asar with every native add-on unpacked, the udev rule, and the fuses flipped',
    async () => {
      const result = await smoke();
      expect(result.failures, result.builderOutput).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.builderOutput).not.toMatch(/downloading/i);
      console.log(`packaged app.asar: ${(result.asarBytes / 1024 / 1024).toFixed(1)} MiB (limit ${ASAR_LIMIT_BYTES / 1024 / 1024} MiB)`);
      expect(result.asarBytes).toBeGreaterThan(0);
      expect(result.asarBytes).toBeLessThanOrEqual(ASAR_LIMIT_BYTES);
    },
    SMOKE_TIMEOUT,
  );

  describe('with a broken configuration and bundle (one packaging run for all the faults)', () => {
    let broken: PackageSmokeResult;
    beforeAll(async () => {
      broken = await smoke({
        // smartUnpack off too, or electron-builder would rescue the .node files on its own.
        editConfig: (text) =>
          replaceList(text, 'asarUnpack', 'asarUnpack: []\n')
            .replace(/^asar: true$/m, 'asar:\n  smartUnpack: false')
            .replace(/^afterPack: .*$/m, '')
            .replace(/^ {2}- '!\*\*\/node_modules.*\n/gm, ''),
        standInMain: "require('ws');\nrequire('node:fs');\nvoid import('usb');\nvoid import('vitest');\n",
      });
      expect(broken.ok).toBe(false);
    }, SMOKE_TIMEOUT);

    it('fails when native add-ons would be packed inside app.asar', () => {
      expect(broken.failures).toContain('resources/app.asar.unpacked/node_modules/usb is missing');
      expect(broken.failures.some((f) => /^native add-on packed inside app\.asar: .*\.node$/.test(f))).toBe(true);
    });

    it("fails when dependencies' source maps would be shipped", () => {
      expect(broken.failures.some((f) => /^not needed at run time, packed in app\.asar: node_modules\/.*\.map$/.test(f))).toBe(true);
    });

    it('fails when no native add-on for this machine loads from app.asar.unpacked', () => {
      expect(broken.failures).toContain(`no native add-on for ${process.platform}-${process.arch} in app.asar.unpacked`);
    });

    it('fails when the afterPack hook does not flip the fuses', () => {
      expect(broken.failures).toEqual(
        expect.arrayContaining([
          'fuse: RunAsNode must be off but is on',
          'fuse: EnableNodeOptionsEnvironmentVariable must be off but is on',
          'fuse: EnableNodeCliInspectArguments must be off but is on',
          'fuse: OnlyLoadAppFromAsar must be on but is off',
          'fuse: EnableEmbeddedAsarIntegrityValidation must be on but is off',
        ]),
      );
    });

    it('fails when the main process requires a package that is not shipped', () => {
      expect(broken.dist).toBe('stand-in');
      expect(broken.failures).toContain('dist/electron/main/main.js requires vitest, which is not in app.asar');
      expect(broken.failures.filter((f) => f.includes('requires'))).toHaveLength(1);
    });
  });
});
