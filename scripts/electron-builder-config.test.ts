import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { UDEV_PACKAGED_PATH, UDEV_RULES_TEXT } from '../electron/services/usb/udev-rule';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// Schema, validator, YAML parser and glob matcher are the very ones electron-builder uses.
const builderPackageJson = createRequire(import.meta.url).resolve('app-builder-lib/package.json');
const requireFromBuilder = createRequire(builderPackageJson);

type Ajv = new (options: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] };
};
type Minimatch = new (pattern: string, options: object) => { match(path: string): boolean };

const AjvClass = (requireFromBuilder('ajv') as { default: Ajv }).default;
const yaml = requireFromBuilder('js-yaml') as { load(text: string): unknown };
const { Minimatch } = requireFromBuilder('minimatch') as { Minimatch: Minimatch };
const schema = JSON.parse(readFileSync(join(dirname(builderPackageJson), 'scheme.json'), 'utf8')) as object;

interface FileSet {
  from: string;
  to: string;
}

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  asar: unknown;
  asarUnpack: string[];
  npmRebuild: boolean;
  nodeGypRebuild: boolean;
  buildDependenciesFromSource: boolean;
  afterPack: string;
  electronFuses?: unknown;
  linux: { target: string[]; category: string; maintainer: string; executableName: string; extraResources: FileSet[] };
  deb: { afterInstall: string; afterRemove: string; fpm: string[] };
  win: { target: string[] };
  mac: { target: string[]; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string };
}

const configText = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
const config = yaml.load(configText) as BuilderConfig;

/** Production packages (dependencies and installed optional dependencies, transitively), by directory. */
function productionPackageDirs(): string[] {
  const seen = new Set<string>();
  const visit = (fromDir: string, names: string[]) => {
    for (const name of names) {
      let dir = fromDir;
      let found: string | null = null;
      while (found === null) {
        const candidate = join(dir, 'node_modules', name);
        if (existsSync(join(candidate, 'package.json'))) found = candidate;
        else if (dir === ROOT || dirname(dir) === dir) break;
        else dir = dirname(dir);
      }
      if (found === null || seen.has(found)) continue; // optional dependency for another platform
      seen.add(found);
      const pkg = JSON.parse(readFileSync(join(found, 'package.json'), 'utf8'));
      visit(found, [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
    }
  };
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  visit(ROOT, [...Object.keys(root.dependencies ?? {}), ...Object.keys(root.optionalDependencies ?? {})]);
  return [...seen];
}

/** Native add-on files of a package, not descending into its own node_modules (separate packages). */
function nativeFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    const stat = statSync(path);
    if (stat.isDirectory()) found.push(...nativeFiles(path));
    else if (entry.endsWith('.node')) found.push(path);
  }
  return found;
}

function unpacked(path: string): boolean {
  const posix = relative(ROOT, path).split(sep).join('/');
  return config.asarUnpack.some((pattern) => new Minimatch(pattern, { dot: true }).match(posix));
}

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own JSON schema", () => {
    const validate = new AjvClass({ allErrors: true, strict: false }).compile(schema);
    const valid = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('catches a configuration error (the validation is live)', () => {
    const validate = new AjvClass({ allErrors: true, strict: false }).compile(schema);
    expect(validate({ ...config, asarUnpak: ['x'] })).toBe(false);
    expect(validate({ ...config, npmRebuild: 'no' })).toBe(false);
  });

  it('names the app as itself, not as Particle', () => {
    expect(config.appId).toBe('io.particle-rescue.app');
    expect(config.productName).toBe('Particle Rescue');
    expect(config.directories.output).toBe('release');
    expect(config.files).toEqual(expect.arrayContaining(['dist/**/*', 'package.json']));
  });

  it('builds AppImage and deb, NSIS, and a hardened-runtime dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Development');
    expect(config.linux.maintainer).toMatch(/<.+@.+>/);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.mac.hardenedRuntime).toBe(true);
  });

  it('packs the app into asar and never rebuilds or compiles native modules', () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
  });

  it('unpacks usb, serialport and @serialport/bindings-cpp from the asar', () => {
    for (const name of ['usb', 'serialport', '@serialport/bindings-cpp']) {
      expect(unpacked(join(ROOT, 'node_modules', name, 'package.json')), name).toBe(true);
    }
  });

  describe('native add-ons of the installed production dependencies', () => {
    let natives: string[] = [];
    beforeAll(() => {
      natives = productionPackageDirs().flatMap(nativeFiles);
    });

    it('include the usb and serialport binaries for this machine', () => {
      const names = natives.map((path) => relative(ROOT, path).split(sep).join('/'));
      expect(names.some((name) => name.startsWith('node_modules/@serialport/bindings-cpp/'))).toBe(true);
      expect(names.some((name) => /^node_modules\/(@node-usb\/|usb\/)/.test(name))).toBe(true);
    });

    it('all fall under asarUnpack, so none ends up inside app.asar', () => {
      expect(natives.filter((path) => !unpacked(path)).map((path) => relative(ROOT, path))).toEqual([]);
    });
  });

  it('flips the fuses in an afterPack hook and leaves electron-builder’s own fuse option unset', () => {
    expect(config.afterPack).toBe('./scripts/after-pack.cjs');
    expect(existsSync(join(ROOT, config.afterPack))).toBe(true);
    // Two writers of the same wire would make the shipped state depend on their order.
    expect(config.electronFuses).toBeUndefined();
  });

  it('ships the udev rule as a package file under its own name and a copy beside the app', () => {
    expect(readFileSync(join(ROOT, 'resources/linux/70-particle-rescue.rules'), 'utf8')).toBe(UDEV_RULES_TEXT);
    expect(UDEV_PACKAGED_PATH).toBe('/usr/lib/udev/rules.d/70-particle-rescue.rules');
    expect(config.deb.fpm).toContain(`resources/linux/70-particle-rescue.rules=${UDEV_PACKAGED_PATH}`);
    expect(config.linux.extraResources).toContainEqual({ from: 'resources/linux/70-particle-rescue.rules', to: 'udev/70-particle-rescue.rules' });
    const postinst = readFileSync(join(ROOT, config.deb.afterInstall), 'utf8');
    const postrm = readFileSync(join(ROOT, config.deb.afterRemove), 'utf8');
    expect(postinst).toMatch(/udevadm control --reload-rules/);
    expect(postinst).toMatch(/udevadm trigger .*idVendor=2b04/);
    expect(postrm).toMatch(/udevadm control --reload-rules/);
    // Neither script writes a rule: the package manager owns ours, and others belong to their packages.
    for (const script of [postinst, postrm]) expect(script).not.toMatch(/(install|cp|cat >|tee)\b[^\n]*rules\.d/);
  });

  it('covers the USB device and its serial port, for the seat user, with ModemManager kept off', () => {
    const rules = UDEV_RULES_TEXT.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      expect(rule).toMatch(/^SUBSYSTEMS=="usb", /);
      expect(rule).toContain('TAG+="uaccess"');
      expect(rule).toContain('ENV{ID_MM_DEVICE_IGNORE}="1"');
    }
    expect(rules[0]).toContain('ATTRS{idVendor}=="2b04", ATTRS{idProduct}=="[cd]0??"');
  });

  it('documents the very rule it installs', () => {
    expect(readFileSync(join(ROOT, 'docs/INSTALL.md'), 'utf8')).toContain(`\n\`\`\`\n${UDEV_RULES_TEXT}\`\`\`\n`);
  });

  it('has deb scripts that electron-builder can render and bash can parse', () => {
    for (const script of [config.deb.afterInstall, config.deb.afterRemove]) {
      const text = readFileSync(join(ROOT, script), 'utf8');
      // electron-builder replaces ${name} macros and throws on names it does not define.
      const macros = [...text.matchAll(/\$\{([a-zA-Z]+)\}/g)].map((match) => match[1]);
      expect(new Set(macros)).toEqual(new Set(['executable', 'sanitizedProductName']));
      const rendered = text.replaceAll('${executable}', 'particle-rescue').replaceAll('${sanitizedProductName}', 'Particle Rescue');
      expect(() => execFileSync('bash', ['-n'], { input: rendered })).not.toThrow();
    }
  });

  it('gives the macOS app USB access and V8 its JIT, and no broader hardened-runtime exception', () => {
    expect(config.mac.entitlements).toBe('resources/mac/entitlements.mac.plist');
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements);
    const plist = readFileSync(join(ROOT, config.mac.entitlements), 'utf8');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((match) => match[1]);
    expect(keys.sort()).toEqual(['com.apple.security.cs.allow-jit', 'com.apple.security.device.usb']);
  });
});
