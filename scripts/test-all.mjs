// `npm test`: every check the project has, in one command, ending with one line `N passed, N failed`
// that sums them: type check and lint (one check each), Vitest (node + jsdom), Playwright e2e.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = [];
let skipped = 0;

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

const vitestCode = run('unit + component tests', npx, ['vitest', 'run']);
const vitest = readJson('test-results/vitest.json');
if (vitest) {
  results.push({ name: 'vitest', passed: vitest.numPassedTests, failed: vitest.numFailedTests + (vitestCode !== 0 && vitest.numFailedTests === 0 ? 1 : 0) });
  skipped += vitest.numPendingTests + vitest.numTodoTests;
} else results.push({ name: 'vitest', passed: 0, failed: 1 });

if (build === 0) {
  const e2eCode = run('e2e (Playwright, Debian chromium)', npx, ['playwright', 'test', '-c', 'e2e/playwright.config.ts']);
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
        console.log(`SKIPPED: ${spec.title} — ${reason}`);
      }
    }
  }
  for (const child of suite.suites ?? []) reportSkips(child);
}

console.log('\nSummary:');
for (const r of results) console.log(`  ${r.name.padEnd(10)} ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
if (!existsSync('test-results')) mkdirSync('test-results');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
