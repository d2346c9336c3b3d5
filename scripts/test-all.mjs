// `npm test`: every check the project has, in one command, ending with one line `N passed, N failed`
// that sums them: type check and lint (one check each), Vitest (node + jsdom), Playwright e2e.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { findChromium } = require('./find-chromium.cjs');

const results = [];
let skipped = 0;
/** Every skipped test with its reason, listed in the summary. */
const skipLines = [];

// Preflight: every missing prerequisite with its fix, before anything runs.
const problems = [];
const engines = JSON.parse(readFileSync('package.json', 'utf8')).engines?.node ?? '>=20';
const major = Number(process.versions.node.split('.')[0]);
const wantMajor = Number(/\d+/.exec(engines)?.[0] ?? 20);
if (major < wantMajor) problems.push({ fatal: true, text: `Node ${process.versions.node} is too old (package.json wants ${engines}): install Node ${wantMajor} or newer (https://nodejs.org, or nvm install ${wantMajor}).` });
const missingPackages = ['vitest', 'typescript', 'eslint', 'esbuild', '@playwright/test', 'serialport'].filter((name) => {
  try {
    require.resolve(`${name}/package.json`);
    return false;
  } catch {
    return true;
  }
});
if (missingPackages.length) problems.push({ fatal: true, text: `node_modules is not installed (missing ${missingPackages.join(', ')}): run \`npm ci\`.` });
const chromium = findChromium();
if (!chromium.path) problems.push({ fatal: false, text: `${chromium.problem} (the e2e step will be counted as failed).` });
console.log('Preflight:');
console.log(`  Node ${process.versions.node} (${engines})${major < wantMajor ? ' — too old' : ''}`);
console.log(`  node_modules ${missingPackages.length ? 'incomplete' : 'installed'}`);
console.log(`  Chromium ${chromium.path ? `${chromium.path} (${chromium.source})` : 'none'}`);
for (const problem of problems) console.log(`MISSING: ${problem.text}`);
if (problems.some((p) => p.fatal)) {
  console.log(`\nFix the above, then run \`npm test\` again.\n0 passed, ${problems.length} failed`);
  process.exit(1);
}

function run(label, command, args, env = {}) {
  console.log(`\n━━ ${label}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const child = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`━━ ${label}: exit ${child.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return child.status ?? 1;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const build = run('build', npm, ['run', 'build']);
results.push({ name: 'build', passed: build === 0 ? 1 : 0, failed: build === 0 ? 0 : 1 });

const tsc = run('typecheck', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']);
results.push({ name: 'typecheck', passed: tsc === 0 ? 1 : 0, failed: tsc === 0 ? 0 : 1 });

const lint = run('lint', npx, ['eslint', '.', '--max-warnings', '0']);
results.push({ name: 'lint', passed: lint === 0 ? 1 : 0, failed: lint === 0 ? 0 : 1 });

const vitestCode = run('unit + component tests', npx, [
  'vitest', 'run',
  '--reporter=default', '--reporter=json', '--reporter=./scripts/vitest-skip-reporter.mjs', '--outputFile.json=test-results/vitest.json',
]);
const vitest = readJson('test-results/vitest.json');
if (vitest) {
  results.push({ name: 'vitest', passed: vitest.numPassedTests, failed: vitest.numFailedTests + (vitestCode !== 0 && vitest.numFailedTests === 0 ? 1 : 0) });
  skipped += vitest.numPendingTests + vitest.numTodoTests;
  for (const skip of readJson('test-results/vitest-skips.json') ?? []) skipLines.push(`${skip.file} › ${skip.name} — ${skip.reason}`);
} else results.push({ name: 'vitest', passed: 0, failed: 1 });

if (!chromium.path) {
  // Stops before running: one line that says what to install, and a failure in the count.
  console.log(`\n━━ e2e: not run — ${chromium.problem}`);
  results.push({ name: 'e2e', passed: 0, failed: 1 });
} else if (build === 0) {
  const e2eCode = run(`e2e (Playwright, ${chromium.path})`, npx, ['playwright', 'test', '-c', 'e2e/playwright.config.ts']);
  const e2e = readJson('test-results/playwright.json');
  if (e2e?.stats) {
    const failed = e2e.stats.unexpected + (e2eCode !== 0 && e2e.stats.unexpected === 0 ? 1 : 0);
    results.push({ name: 'e2e', passed: e2e.stats.expected + e2e.stats.flaky, failed });
    skipped += e2e.stats.skipped;
    for (const suite of e2e.suites ?? []) reportSkips(suite);
  } else results.push({ name: 'e2e', passed: 0, failed: 1 });
} else results.push({ name: 'e2e', passed: 0, failed: 1 });

function reportSkips(suite) {
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests ?? []) {
      if (t.status === 'skipped') {
        const reason = t.annotations?.find((a) => a.type === 'skip')?.description ?? 'no reason given';
        skipLines.push(`e2e ${spec.file ?? ''} › ${spec.title} — ${reason}`);
      }
    }
  }
  for (const child of suite.suites ?? []) reportSkips(child);
}

console.log('\nSummary:');
for (const r of results) console.log(`  ${r.name.padEnd(10)} ${r.passed} passed, ${r.failed} failed`);
if (skipLines.length) console.log(`Skipped (${skipLines.length}):`);
for (const line of skipLines) console.log(`  SKIPPED ${line}`);
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
if (!existsSync('test-results')) mkdirSync('test-results');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
