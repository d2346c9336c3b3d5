// Bundles the main-process entry points with esbuild. Production dependencies stay in node_modules
// (native modules such as usb and serialport must be loaded from disk; the installed app ships exactly
// these); everything else they use (zod, shared code) is bundled in. The sandboxed preload is bundled
// whole.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { dependencies } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const runtimePackages = Object.keys(dependencies).flatMap((name) => [name, `${name}/*`]);

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { 'process.env.VITEST': 'undefined' },
};

await Promise.all([
  build({
    ...common,
    entryPoints: {
      'main/main': 'electron/main/main.ts',
      'host/start-host': 'electron/host/start-host.ts',
      'cli/main': 'electron/cli/main.ts',
    },
    outdir: 'dist/electron',
    external: ['electron', ...runtimePackages],
  }),
  build({
    ...common,
    entryPoints: { 'preload/preload': 'electron/preload/preload.ts' },
    outdir: 'dist/electron',
    external: ['electron'],
  }),
]);
