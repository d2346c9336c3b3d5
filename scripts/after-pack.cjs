// electron-builder afterPack hook: flips the Electron fuses declared in electron/main/fuses.ts on the
// packaged binary (before signing, which electron-builder does next), then reads the wire back and
// fails the build if any fuse is not as declared.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('esbuild');
const { FuseV1Options, getCurrentFuseWire } = require('@electron/fuses');

const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** fuses.ts has no imports, so compiling it alone and running it as a CommonJS body is enough. */
function loadFuses() {
  const source = readFileSync(join(__dirname, '..', 'electron', 'main', 'fuses.ts'), 'utf8');
  const { code } = transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20' });
  const module = { exports: {} };
  new Function('module', 'exports', code)(module, module.exports);
  return module.exports;
}

function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return join(appOutDir, `${packager.appInfo.productFilename}.app`);
  }
  if (electronPlatformName === 'win32') return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return join(appOutDir, packager.executableName);
}

async function afterPack(context) {
  const fuses = loadFuses();
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const config = fuses.fuseWireConfig(FuseV1Options, context.electronPlatformName, arch);
  await context.packager.addElectronFuses(context, config);
  const wire = await getCurrentFuseWire(electronBinaryPath(context));
  const violations = fuses.fuseWireViolations(wire, FuseV1Options);
  if (violations.length > 0) {
    throw new Error(`Electron fuses were not set on the packaged binary:\n  ${violations.join('\n  ')}`);
  }
}

module.exports = afterPack;
// The packaging smoke checks the wire with the same declarations.
module.exports.loadFuses = loadFuses;
