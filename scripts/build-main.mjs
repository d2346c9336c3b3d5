// Bundles the main-process entry points with esbuild. Dependencies stay in node_modules (native
// modules such as usb and serialport must be loaded from disk); the sandboxed preload is bundled whole.
import { build } from 'esbuild';

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
    packages: 'external',
  }),
  build({
    ...common,
    entryPoints: { 'preload/preload': 'electron/preload/preload.ts' },
    outdir: 'dist/electron',
    external: ['electron'],
  }),
]);
