// The Electron shell end to end: the real main process, preload and window, driven by Playwright.
// Needs a stock Electron binary, which cannot be downloaded on every machine: point
// PARTICLE_RESCUE_ELECTRON at one (e.g. node_modules/electron/dist/electron) after `npm run build`.
// On Linux without a display, run under xvfb-run. Without the variable every test here is reported
// as skipped, with the reason.
//
// Not the packaged binary: Playwright reaches the main process through the Node inspector, and the
// shipped build has the --inspect fuse off precisely so that nothing can attach to it that way.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';

const executablePath = process.env.PARTICLE_RESCUE_ELECTRON;

test.skip(
  !executablePath,
  'No Electron binary on this machine: set PARTICLE_RESCUE_ELECTRON=/path/to/electron to run the Electron end-to-end',
);
test.skip(
  !!executablePath && existsSync(join(dirname(executablePath), 'resources', 'app.asar')),
  'PARTICLE_RESCUE_ELECTRON points at a packaged Particle Rescue, whose fuses forbid --inspect: use a stock Electron binary',
);

type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

let app: ElectronApplication;
let page: Page;
let userDataDir: string;

test.beforeAll(async () => {
  userDataDir = mkdtempSync(join(tmpdir(), 'rescue-electron-e2e-'));
  // Chromium refuses to start as root with its sandbox (containers, CI); the renderer keeps its
  // sandbox: true web preference either way, which is what the checks below read.
  const rootOnly = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  app = await electron.launch({
    executablePath,
    args: [resolve('dist/electron/main/main.js'), `--user-data-dir=${userDataDir}`, ...rootOnly],
    timeout: 60_000,
  });
  page = await app.firstWindow();
  await page.waitForFunction(() => 'particleRescue' in window);
});

test.afterAll(async () => {
  await app?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

/** Calls a contract method through the preload bridge and unwraps the envelope. */
async function call<T>(method: string, input: unknown): Promise<T> {
  const envelope = await page.evaluate(
    ([name, payload]) =>
      (window as unknown as { particleRescue: { methods: Record<string, (i: unknown) => Promise<unknown>> } }).particleRescue.methods[
        name as string
      ](payload),
    [method, input] as const,
  );
  const result = envelope as Envelope<T>;
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
  return result.value;
}

test('the window runs with context isolation, the sandbox and no Node integration', async () => {
  // getLastWebPreferences is left out of Electron's typings but is what Electron's own specs read.
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows()[0].webContents as unknown as {
      getLastWebPreferences(): Record<string, unknown> | null;
    };
    const p = contents.getLastWebPreferences();
    return p
      ? { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration, webviewTag: p.webviewTag }
      : null;
  });
  expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  // Only the contract-derived bridge is exposed: methods and events, nothing generic.
  expect(await page.evaluate(() => Object.keys((window as unknown as { particleRescue: object }).particleRescue).sort())).toEqual([
    'events',
    'methods',
  ]);
});

test('navigation away from the app is refused', async () => {
  const before = page.url();
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  // A refused navigation leaves the document in place; give the attempt time to be refused.
  await page.waitForTimeout(1_000);
  expect(page.url()).toBe(before);
  expect(await page.evaluate(() => 'particleRescue' in window)).toBe(true);
});

test('window.open opens no window', async () => {
  const opened = await page.evaluate(() => window.open('https://example.com/', '_blank') === null);
  expect(opened).toBe(true);
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
});

test('repairs the keys of a virtual Photon through the preload bridge', async () => {
  test.setTimeout(180_000);
  const { device } = await call<{ device: { deviceId: string } }>('lab.attach', { scenario: 'photon-seed', timing: 'fast' });
  // Listen before starting, so a fast repair cannot finish unseen.
  await page.evaluate(() => {
    const w = window as unknown as {
      particleRescue: { events: Record<string, (cb: (p: unknown) => void) => () => void> };
      finishedOperations: unknown[];
    };
    w.finishedOperations = [];
    w.particleRescue.events['operations.finished']((payload) => w.finishedOperations.push(payload));
  });
  const ref = await call<{ operationId: string; kind: string; deviceId: string }>('keys.repair', { deviceId: device.deviceId });
  expect(ref).toMatchObject({ kind: 'repair-keys', deviceId: device.deviceId });
  const finished = await page.waitForFunction(
    (operationId) =>
      (window as unknown as { finishedOperations: { operationId: string }[] }).finishedOperations.find(
        (event) => event.operationId === operationId,
      ),
    ref.operationId,
    { timeout: 150_000 },
  );
  expect(await finished.jsonValue()).toMatchObject({ operationId: ref.operationId, kind: 'repair-keys', status: 'succeeded' });
});
