import * as electron from 'electron';
import { join } from 'node:path';
import { labChoice, runCli } from '../cli/cli';
import { connectRemoteLab } from '../lab/service/lab-client';
import { resolveLabDir } from '../lab/service/lab-files';
import { allCommands } from '../cli/commands';
import { terminalPrompt } from '../cli/terminal-prompt';
import { loadStatic } from '../host/static-files';
import { createDispatcher } from '../rpc/dispatcher';
import { buildHandlers } from '../rpc/handlers';
import { createServices } from '../services/create-services';
import { CloudService } from '../services/cloud/cloud-service';
import { createSafeStorageVault } from '../services/cloud/token-vault';
import { bindIpc } from './ipc-binding';
import { launchMode } from './launch-mode';
import {
  APP_HOST,
  APP_ORIGIN,
  APP_SCHEME,
  isAllowedExternalUrl,
  isNavigationAllowed,
  isPermissionGranted,
  isTrustedSender,
  securityHeaders,
  webPreferences,
  windowOpenDecision,
} from './security-policy';

type Electron = typeof electron;

/** Applies the security baseline to the session and to every web contents ever created. */
export function hardenSession(e: Pick<Electron, 'app' | 'session' | 'shell'>): void {
  const ses = e.session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionGranted(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => isPermissionGranted(permission));
  ses.setDevicePermissionHandler(() => false);
  ses.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  ses.on('select-serial-port', (event, _ports, _wc, callback) => {
    event.preventDefault();
    callback('');
  });
  ses.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  e.app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isNavigationAllowed(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isNavigationAllowed(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (windowOpenDecision(url).openExternally) void e.shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

/** app://rescue/… serves the built renderer with the CSP; nothing else is reachable. */
export function registerAppProtocol(e: Pick<Electron, 'protocol'>, rendererDir: string): void {
  e.protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? await loadStatic(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404, headers: securityHeaders() });
    return new Response(new Uint8Array(file.body), { headers: { 'Content-Type': file.type, ...securityHeaders() } });
  });
}

/**
 * The installed binary with a command runs the CLI and exits; with --station it serves the rescue
 * host (the browser-mode bundle beside this one), and otherwise opens the window.
 */
export async function launch(e: Electron, argv: readonly string[] = process.argv): Promise<void> {
  const mode = launchMode(argv, e.app.isPackaged, allCommands.map((c) => c.name));
  if (mode.kind === 'cli') {
    const code = await runCli(mode.args, allCommands, {
      out: (text) => process.stdout.write(`${text}\n`),
      err: (text) => process.stderr.write(`${text}\n`),
      prompt: terminalPrompt,
    });
    e.app.exit(code);
    return;
  }
  if (mode.kind === 'station') {
    process.argv = [process.argv[0], 'start-host', ...mode.args];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(join(__dirname, '..', 'host', 'start-host.js'));
    return;
  }
  await startMain(e);
}

export async function startMain(e: Electron): Promise<void> {
  e.protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
  e.app.enableSandbox();
  if (!e.app.requestSingleInstanceLock()) {
    e.app.quit();
    return;
  }
  await e.app.whenReady();
  const dataDir = e.app.getPath('userData');
  // PARTICLE_RESCUE_LAB=1 (or a lab folder) attaches the window to a running lab service, as --lab does for the CLI.
  const lab = labChoice({ positionals: [], flags: {} }, process.env);
  const services = await createServices({
    transport: 'electron',
    dataDir,
    version: e.app.getVersion(),
    hardware: true,
    tokenVault: createSafeStorageVault(e.safeStorage, CloudService.vaultFile(dataDir)),
    remoteLab: lab ? await connectRemoteLab(resolveLabDir(dataDir, lab.dir)) : undefined,
  });
  hardenSession(e);
  registerAppProtocol(e, join(__dirname, '..', '..', 'renderer'));

  const window = new e.BrowserWindow({
    width: 1240,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Particle Rescue',
    backgroundColor: '#0f1720',
    webPreferences: webPreferences(join(__dirname, '..', 'preload', 'preload.js')),
  });
  const handlers = buildHandlers(services, {
    transport: 'electron',
    openExternal: async (url) => {
      if (!isAllowedExternalUrl(url)) return false;
      await e.shell.openExternal(url);
      return true;
    },
  });
  const dispatch = createDispatcher(handlers, {
    readOnly: false,
    validateOutput: !e.app.isPackaged,
    onInternalError: (method, error) => services.opLog.write('app', 'error', `${method}: ${String(error)}`),
  });
  bindIpc(e.ipcMain, dispatch, (frame) => isTrustedSender(frame, window.webContents.mainFrame), services.bus, () => window.webContents);
  window.once('ready-to-show', () => window.show());
  // A second launch (desktop icon, `particle-rescue` in a terminal) brings this window forward.
  e.app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  e.app.on('window-all-closed', () => {
    void services.close().finally(() => e.app.quit());
  });
  await window.loadURL(`${APP_ORIGIN}/index.html`);
}

if (!process.env.VITEST) {
  launch(electron).catch((error: unknown) => {
    console.error(`Particle Rescue could not start: ${error instanceof Error ? error.message : String(error)}`);
    electron.app.exit(1);
  });
}
