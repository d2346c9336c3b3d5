import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs scripts/start.mjs (what `npm start` runs after building) until it prints the app URL. */
function startUntilUrl(env: NodeJS.ProcessEnv): Promise<{ lines: string[]; url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['scripts/start.mjs', '--no-hardware', '--data-dir', mkdtempSync(join(tmpdir(), 'rescue-start-'))], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no URL printed:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({ lines: output.split('\n').filter(Boolean), url: match[1], stop: () => child.kill('SIGTERM') });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}

describe('npm start without an Electron binary', () => {
  it('says why in one line, then serves the app in browser mode', async () => {
    expect(existsSync('dist/electron/host/start-host.js'), 'run `npm run build` first (npm test does)').toBe(true);
    for (const env of [{ PARTICLE_RESCUE_ELECTRON: '/nonexistent/electron' }, { PARTICLE_RESCUE_ELECTRON: '', DISPLAY: '' }]) {
      const started = await startUntilUrl(env);
      try {
        expect(started.lines[0]).toMatch(/^Electron cannot start here \(.+\); serving Particle Rescue in browser mode instead\.$/);
        expect(started.lines.join('\n')).not.toMatch(/\n\s+at /);
        const page = await fetch(started.url);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<div id="root">');
      } finally {
        started.stop();
      }
    }
  });
});
