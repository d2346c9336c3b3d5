// `npm run bench`: runs every bench/*.bench.ts and prints its figures. Benchmarks measure; they never
// assert on time (tests stay free of timing).
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';

const only = process.argv[2];
const files = readdirSync('bench').filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only))).sort();
const require = createRequire(import.meta.url);
for (const file of files) {
  const outfile = resolve('dist/bench', basename(file).replace(/\.ts$/, '.cjs'));
  await build({ entryPoints: [`bench/${file}`], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'error' });
  console.log(`\n── ${file}`);
  const started = Date.now();
  await require(outfile).run((line) => console.log(`  ${line}`));
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
