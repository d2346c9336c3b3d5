// `npm start`: launch the desktop app in Electron; where Electron cannot start (no binary on an offline
// build machine, no display), say so in one line and serve the same app in browser mode instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function electronBinary() {
  if (process.env.PARTICLE_RESCUE_ELECTRON) {
    return existsSync(process.env.PARTICLE_RESCUE_ELECTRON)
      ? { path: process.env.PARTICLE_RESCUE_ELECTRON }
      : { reason: `PARTICLE_RESCUE_ELECTRON points to a missing file (${process.env.PARTICLE_RESCUE_ELECTRON})` };
  }
  // Electron 45 downloads its binary on first require; ask in a child so a failed download stays quiet.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { encoding: 'utf8', timeout: 60_000 });
  const path = probe.stdout?.trim();
  if (probe.status === 0 && path && existsSync(path)) return { path };
  return { reason: 'the Electron binary is not installed and cannot be downloaded' };
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function browserMode(reason) {
  console.log(`Electron cannot start here (${reason}); serving Particle Rescue in browser mode instead.`);
  const child = spawn(process.execPath, ['dist/electron/host/start-host.js', '--open', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

const electron = electronBinary();
if (!electron.path) browserMode(electron.reason);
else if (!hasDisplay()) browserMode('there is no display');
else {
  const started = Date.now();
  const child = spawn(electron.path, ['dist/electron/main/main.js', ...process.argv.slice(2)], { stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    process.stderr.write(chunk);
  });
  child.on('error', (error) => browserMode(`Electron failed to launch: ${error.message}`));
  child.on('exit', (code) => {
    if (code !== 0 && Date.now() - started < 5000) {
      const firstLine = stderr.split('\n').find((l) => l.trim()) ?? `exit code ${code}`;
      browserMode(`Electron exited at start-up: ${firstLine.trim()}`);
    } else process.exit(code ?? 0);
  });
}
