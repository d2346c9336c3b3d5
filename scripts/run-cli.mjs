// `npm run cli -- <command>` from a clone: bundle the CLI (fast) and run it in this process.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const outfile = resolve('dist/electron/cli/main.js');
await build({
  entryPoints: ['electron/cli/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  logLevel: 'error',
});
createRequire(import.meta.url)(outfile);
