// npm run mutate [-- module names…]: StrykerJS (vitest runner) over the write-path modules, one run
// per module with only that module's tests, then the mutation score of each module.
// Not part of npm test: it is slow. Reports land in reports/mutation/<module>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import { MUTATE_MODULES } from './mutate-modules.mjs';

const TARGET = 85;
const wanted = process.argv.slice(2);
const modules = wanted.length ? MUTATE_MODULES.filter((m) => wanted.includes(m.name)) : MUTATE_MODULES;
if (modules.length === 0) {
  console.error(`Unknown module. Known: ${MUTATE_MODULES.map((m) => m.name).join(', ')}`);
  process.exit(2);
}

/** Stryker's own score: detected (killed + timeout) over valid mutants (also survived + no coverage). */
export function score(results) {
  const count = (...states) => results.filter((r) => states.includes(r.status)).length;
  const detected = count('Killed', 'Timeout');
  const undetected = count('Survived', 'NoCoverage');
  const total = detected + undetected;
  return { detected, undetected, total, percent: total === 0 ? 100 : (100 * detected) / total };
}

const root = process.cwd();
const work = join(root, '.stryker-tmp');
mkdirSync(work, { recursive: true });
mkdirSync(join(root, 'reports', 'mutation'), { recursive: true });
const rows = [];
for (const module of modules) {
  const vitestConfig = join(work, `vitest.${module.name}.config.mjs`);
  writeFileSync(
    vitestConfig,
    `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { environment: 'node', include: ${JSON.stringify(module.tests)}, testTimeout: 60000, hookTimeout: 60000 } });\n`,
  );
  const stryker = new Stryker({
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner'],
    vitest: { configFile: vitestConfig, related: false },
    mutate: module.mutate,
    coverageAnalysis: 'perTest',
    concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 2),
    timeoutMS: 60000,
    reporters: ['json', 'progress'],
    jsonReporter: { fileName: join('reports', 'mutation', `${module.name}.json`) },
    tempDirName: '.stryker-tmp/sandbox',
    cleanTempDir: true,
    ignoreStatic: true,
    logLevel: 'warn',
  });
  const results = await stryker.runMutationTest();
  const s = score(results);
  rows.push({ module: module.name, ...s });
  console.log(`mutation score ${module.name}: ${s.percent.toFixed(1)} % (${s.detected}/${s.total} killed)`);
  for (const r of results.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
    console.log(`  ${r.status}: ${r.fileName}:${r.location.start.line + 1} ${r.mutatorName} → ${JSON.stringify(r.replacement ?? '').slice(0, 80)}`);
  }
}
console.log('\nmodule | score | killed / valid');
for (const r of rows) console.log(`${r.module} | ${r.percent.toFixed(1)} %${r.percent >= TARGET ? '' : ` (below ${TARGET} %)`} | ${r.detected} / ${r.total}`);
