// Packaging smoke without downloads: runs `electron-builder --dir` for Linux on a copy of the project
// against a stub Electron distribution, then checks what came out: app.asar (its size, no dependency
// source maps), every native add-on unpacked beside it (none left inside the archive, this machine's
// ones loadable), the packaged main bundle running a CLI command, the udev rule, and the fuses.
//
// The stub is a shell script carrying an Electron fuse wire in its default (unsafe) state, so the
// afterPack hook really flips it and the check really reads it back. The real dist/ is packaged
// when it has been built (npm run build); otherwise a minimal stand-in dist/ is written, which is
// enough to prove the packaging configuration.
//
//   node scripts/package-smoke.mjs [--keep]    exit code 0 when every check passes
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const EXECUTABLE = 'particle-rescue';
const TIMEOUT_MS = 150_000;
/** What the installer carries in app.asar: a limit, so an accidental dependency shows up here. */
export const ASAR_LIMIT_BYTES = 20 * 1024 * 1024;

/** Directories that must sit in app.asar.unpacked, one per native add-on the app loads. */
export const UNPACKED_MODULES = ['usb', 'serialport', '@serialport/bindings-cpp', '@node-usb'];

/**
 * Electron's defaults as they ship: run-as-node, NODE_OPTIONS and --inspect on, asar-only and
 * integrity off, file:// privileges on; plus one fuse newer than @electron/fuses knows about.
 */
const STOCK_FUSE_WIRE = '101100011';

function stubElectronDist(dir) {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const wire = Buffer.concat([
    Buffer.from(`#!/bin/sh\necho "stub Electron for the packaging smoke"\nexit 0\n# `),
    Buffer.from(SENTINEL),
    Buffer.from([1, STOCK_FUSE_WIRE.length]),
    Buffer.from(STOCK_FUSE_WIRE),
    Buffer.from('\n'),
  ]);
  writeFileSync(join(dir, 'electron'), wire);
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'LICENSE'), 'stub\n');
}

const STAND_IN_MAIN = "'use strict';\n// stand-in main process for the packaging smoke\n";

function standInDist(dir, mainSource) {
  const files = {
    'dist/electron/main/main.js': mainSource,
    'dist/electron/preload/preload.js': "'use strict';\n",
    'dist/renderer/index.html': '<!doctype html><title>Particle Rescue</title>\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/**
 * electron-builder finds production dependencies with `npm list`, which loses nested packages when
 * node_modules is a symlink, so the copy is real: hard links where the file system allows.
 */
function copyNodeModules(dir) {
  const from = join(ROOT, 'node_modules');
  const to = join(dir, 'node_modules');
  if (spawnSync('cp', ['-al', from, to]).status === 0) return;
  rmSync(to, { recursive: true, force: true });
  if (spawnSync('cp', ['-a', from, to]).status !== 0) throw new Error(`could not copy ${from} to ${to}`);
}

/** A copy of what electron-builder reads from the project, so the checkout is never written to. */
function stageProject(dir, standInMain) {
  for (const path of ['package.json', 'package-lock.json', 'electron-builder.yml', 'resources', 'scripts/after-pack.cjs', 'electron/main/fuses.ts']) {
    cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  }
  copyNodeModules(dir);
  const builtMain = join(ROOT, require(join(ROOT, 'package.json')).main);
  if (standInMain === undefined && existsSync(builtMain)) {
    cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
    return 'built';
  }
  standInDist(dir, standInMain ?? STAND_IN_MAIN);
  return 'stand-in';
}

function runBuilder(projectDir, electronDist, outputDir) {
  const cli = require.resolve('electron-builder/cli.js', { paths: [ROOT] });
  const args = [
    cli,
    '--linux',
    'dir',
    '--x64',
    '--projectDir',
    projectDir,
    `-c.electronDist=${electronDist}`,
    `-c.directories.output=${outputDir}`,
  ];
  // Everything it might otherwise fetch is either on disk or switched off.
  const env = {
    ...process.env,
    CSC_IDENTITY_AUTO_DISCOVERY: 'false',
    ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    ELECTRON_BUILDER_CACHE: join(outputDir, '..', 'cache'),
    npm_config_offline: 'true',
  };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: projectDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      output += `\npackage-smoke: electron-builder did not finish within ${TIMEOUT_MS / 1000} s, stopped`;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** Every file in the archive's header, by path, with whether it was unpacked beside the archive. */
function asarEntries(asarPath) {
  const { getRawHeader } = require('@electron/asar');
  const entries = new Map();
  const walk = (node, prefix) => {
    for (const [name, entry] of Object.entries(node.files ?? {})) {
      if (entry.files) walk(entry, `${prefix}${name}/`);
      else entries.set(`${prefix}${name}`, { unpacked: entry.unpacked === true });
    }
  };
  walk(getRawHeader(asarPath).header, '');
  return entries;
}

/** Native add-ons left inside app.asar: the operating system cannot load those. */
function packedNativeFiles(entries) {
  return [...entries].filter(([path, entry]) => path.endsWith('.node') && !entry.unpacked).map(([path]) => path);
}

/**
 * The main-process bundles keep their npm packages external (build-main.mjs), so every package they
 * require must be inside the archive: one that is only a devDependency would crash the installed app
 * at start, which no test that runs from the checkout notices.
 */
function missingRuntimePackages(asarPath, entries) {
  const { extractFile } = require('@electron/asar');
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  const missing = [];
  for (const bundle of [...entries.keys()].filter((path) => /^dist\/electron\/.*\.js$/.test(path))) {
    const source = extractFile(asarPath, bundle).toString('utf8');
    for (const [, specifier] of source.matchAll(/\b(?:require|import)\(["']([^"'./][^"']*)["']\)/g)) {
      if (builtins.has(specifier) || specifier === 'electron') continue;
      const parts = specifier.split('/');
      const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      if (!entries.has(`node_modules/${name}/package.json`)) missing.push(`${bundle} requires ${name}, which is not in app.asar`);
    }
  }
  return [...new Set(missing)];
}

/** Dependencies' source maps and tests are dead weight in an installer. */
function devFilesInArchive(entries) {
  return [...entries.keys()]
    .filter((path) => path.startsWith('node_modules/') && (/\.map$/.test(path) || /\/(test|tests|__tests__)\//.test(path)))
    .map((path) => `not needed at run time, packed in app.asar: ${path}`);
}

/**
 * The add-ons for this machine's platform, loaded for real from app.asar.unpacked (N-API, so Node
 * loads what Electron would). Other platforms' prebuilt binaries ship too but cannot load here.
 */
function unloadableAddons(unpackedDir) {
  const tag = `${process.platform}-${process.arch}`;
  const addons = spawnSync('find', [unpackedDir, '-name', '*.node'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((path) => path.includes(tag) && !/musl/.test(path));
  if (addons.length === 0) return [`no native add-on for ${tag} in app.asar.unpacked`];
  const failures = [];
  for (const addon of addons) {
    const loaded = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', addon], { encoding: 'utf8' });
    if (loaded.status !== 0) failures.push(`native add-on does not load from app.asar.unpacked: ${addon}: ${loaded.stderr.trim().split('\n')[0]}`);
  }
  return failures;
}

/**
 * The packaged app run as its users' `particle-rescue lab list --json`: the archive is unpacked beside
 * a stand-in `electron` module (the stub binary cannot run JavaScript), so the packaged main bundle
 * routes the command to the CLI with only the dependencies the installer ships.
 */
function packagedCliFailures(resources, workDir) {
  const { extractAll } = require('@electron/asar');
  const appDir = join(workDir, 'packaged-app');
  extractAll(join(resources, 'app.asar'), appDir);
  const fakeElectron = join(appDir, 'node_modules', 'electron');
  mkdirSync(fakeElectron, { recursive: true });
  writeFileSync(
    join(fakeElectron, 'index.js'),
    'module.exports = { app: { isPackaged: false, exit: (code) => process.exit(code) }, protocol: {}, session: {}, shell: {} };\n',
  );
  const dataDir = join(workDir, 'packaged-data');
  const run = spawnSync(process.execPath, [join(appDir, 'dist/electron/main/main.js'), 'lab', 'list', '--json', '--data-dir', dataDir], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, VITEST: '' },
  });
  if (run.status !== 0) return [`packaged CLI exited with ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ')}`];
  try {
    const { scenarios } = JSON.parse(run.stdout);
    if (!Array.isArray(scenarios) || scenarios.length === 0) return ['packaged CLI listed no lab scenarios'];
  } catch {
    return [`packaged CLI printed no JSON: ${run.stdout.slice(0, 200)}`];
  }
  return [];
}

async function fuseViolations(binary) {
  const { FuseV1Options, getCurrentFuseWire } = require('@electron/fuses');
  const { fuseWireViolations } = require('./after-pack.cjs').loadFuses();
  return fuseWireViolations(await getCurrentFuseWire(binary), FuseV1Options);
}

async function inspect(appDir, workDir) {
  const failures = [];
  const resources = join(appDir, 'resources');
  const asar = join(resources, 'app.asar');
  if (!existsSync(asar)) return { failures: [`${asar} is missing`], asarBytes: 0 };
  for (const name of UNPACKED_MODULES) {
    if (!existsSync(join(resources, 'app.asar.unpacked', 'node_modules', name))) {
      failures.push(`resources/app.asar.unpacked/node_modules/${name} is missing`);
    }
  }
  const entries = asarEntries(asar);
  for (const path of packedNativeFiles(entries)) failures.push(`native add-on packed inside app.asar: ${path}`);
  failures.push(...missingRuntimePackages(asar, entries));
  failures.push(...devFilesInArchive(entries));
  failures.push(...unloadableAddons(join(resources, 'app.asar.unpacked')));
  if (entries.has('dist/electron/main/main.js') && entries.has('dist/electron/cli/main.js')) failures.push(...packagedCliFailures(resources, workDir));
  const asarBytes = statSync(asar).size;
  if (asarBytes > ASAR_LIMIT_BYTES) failures.push(`app.asar is ${mib(asarBytes)}, over the ${mib(ASAR_LIMIT_BYTES)} limit`);
  const rule = join(resources, 'udev', '70-particle-rescue.rules');
  if (!existsSync(rule)) failures.push('resources/udev/70-particle-rescue.rules is missing');
  else if (!readFileSync(rule).equals(readFileSync(join(ROOT, 'resources/linux/70-particle-rescue.rules')))) {
    failures.push('resources/udev/70-particle-rescue.rules differs from resources/linux/70-particle-rescue.rules');
  }
  const binary = join(appDir, EXECUTABLE);
  if (!existsSync(binary)) failures.push(`${EXECUTABLE} executable is missing`);
  else failures.push(...(await fuseViolations(binary)).map((v) => `fuse: ${v}`));
  return { failures, asarBytes };
}

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Runs the whole smoke. Returns what it found; `workDir` stays on disk only with `keep`, so a
 * failure can be looked at. `editConfig` rewrites the staged electron-builder.yml and `standInMain`
 * packages a stand-in dist/ with this main.js even when dist/ is built, which lets a test prove that
 * a broken configuration or bundle is caught.
 */
export async function runPackageSmoke({ keep = false, editConfig = (text) => text, standInMain } = {}) {
  const workDir = mkdtempSync(join(tmpdir(), 'particle-rescue-smoke-'));
  try {
    const electronDist = join(workDir, 'electron-dist');
    const projectDir = join(workDir, 'project');
    const outputDir = join(workDir, 'release');
    stubElectronDist(electronDist);
    const dist = stageProject(projectDir, standInMain);
    const configPath = join(projectDir, 'electron-builder.yml');
    writeFileSync(configPath, editConfig(readFileSync(configPath, 'utf8')));
    const started = Date.now();
    const build = await runBuilder(projectDir, electronDist, outputDir);
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const appDir = join(outputDir, 'linux-unpacked');
    const { failures, asarBytes } = build.code === 0 ? await inspect(appDir, workDir) : { failures: [`electron-builder exited with ${build.code}`], asarBytes: 0 };
    return { ok: failures.length === 0, failures, dist, seconds, asarBytes, workDir: keep ? workDir : null, builderOutput: build.output };
  } finally {
    if (!keep) rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runPackageSmoke({ keep: process.argv.includes('--keep') });
  if (!result.ok) process.stdout.write(result.builderOutput);
  console.log(`package smoke (${result.dist} dist/, ${result.seconds} s, app.asar ${mib(result.asarBytes)}): ${result.ok ? 'passed' : 'FAILED'}`);
  for (const failure of result.failures) console.log(`  - ${failure}`);
  if (result.workDir) console.log(`  output kept in ${result.workDir}`);
  process.exitCode = result.ok ? 0 : 1;
}
