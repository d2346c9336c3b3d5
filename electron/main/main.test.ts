import { describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

vi.mock('electron', () => ({ app: {}, session: {}, shell: {}, protocol: {} }));
vi.mock('../services/create-services', () => ({ createServices: vi.fn() }));
vi.mock('../rpc/handlers', () => ({ buildHandlers: vi.fn() }));
vi.mock('../services/cloud/token-vault', () => ({ createSafeStorageVault: vi.fn() }));
vi.mock('../services/cloud/cloud-service', () => ({ CloudService: { vaultFile: vi.fn() } }));

const { hardenSession, launch, registerAppProtocol } = await import('./main');

function fakeElectron() {
  const session = Object.assign(new EventEmitter(), {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
  });
  const app = new EventEmitter();
  const shell = { openExternal: vi.fn(async () => undefined) };
  return { app, session: { defaultSession: session }, shell };
}

describe('main process hardening (electron mocked)', () => {
  const e = fakeElectron();
  hardenSession(e as never);
  const ses = e.session.defaultSession;

  it('denies every permission request and check, and every device permission', () => {
    const callback = vi.fn();
    ses.setPermissionRequestHandler.mock.calls[0][0](null, 'usb', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(ses.setPermissionCheckHandler.mock.calls[0][0](null, 'serial')).toBe(false);
    expect(ses.setDevicePermissionHandler.mock.calls[0][0]({ deviceType: 'usb' })).toBe(false);
  });

  it('cancels USB, serial and HID pickers', () => {
    for (const [name, args] of [
      ['select-usb-device', [{}, vi.fn()]],
      ['select-serial-port', [[], {}, vi.fn()]],
      ['select-hid-device', [{}, vi.fn()]],
    ] as const) {
      const event = { preventDefault: vi.fn() };
      ses.emit(name, event, ...args);
      expect(event.preventDefault).toHaveBeenCalled();
      const callback = args[args.length - 1] as ReturnType<typeof vi.fn>;
      expect(callback).toHaveBeenCalledTimes(1);
      expect(callback.mock.calls[0][0] ?? '').toBe('');
    }
  });

  it('denies navigation, webviews and window.open; opens only allow-listed pages externally', () => {
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    e.app.emit('web-contents-created', {}, contents);
    const nav = { preventDefault: vi.fn() };
    contents.emit('will-navigate', nav, 'https://evil.example/');
    expect(nav.preventDefault).toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    const openHandler = contents.setWindowOpenHandler.mock.calls[0][0];
    expect(openHandler({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(e.shell.openExternal).not.toHaveBeenCalled();
    expect(openHandler({ url: 'https://docs.particle.io/troubleshooting/led/' })).toEqual({ action: 'deny' });
    expect(e.shell.openExternal).toHaveBeenCalledWith('https://docs.particle.io/troubleshooting/led/');
  });
});

describe('app:// protocol', () => {
  it('serves renderer files with the CSP and nothing outside the app host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rescue-proto-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    let handler: ((request: { url: string }) => Promise<Response>) | undefined;
    registerAppProtocol({ protocol: { handle: (_s: string, h: typeof handler) => (handler = h) } } as never, dir);
    const ok = await handler!({ url: 'app://rescue/index.html' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await handler!({ url: 'app://other/index.html' })).status).toBe(404);
    expect((await handler!({ url: 'app://rescue/../../etc/passwd' })).status).not.toBe(500);
    for (const url of ['app://other/index.html', 'app://rescue/%ff', 'app://rescue/..%2f..%2fetc/passwd']) {
      const refused = await handler!({ url });
      expect([url, refused.status]).toEqual([url, 404]);
      expect(refused.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(refused.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
  });
});

describe('the installed binary started with a command (electron mocked)', () => {
  it('runs the CLI, prints its output and exits with its code, without opening a window', async () => {
    const exit = vi.fn();
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const e = { app: { isPackaged: true, exit, requestSingleInstanceLock: vi.fn() } };
      await launch(e as never, ['/opt/Particle Rescue/particle-rescue', 'devices', '--help']);
    } finally {
      write.mockRestore();
    }
    expect(exit).toHaveBeenCalledWith(0);
    expect(written.join('')).toMatch(/Usage: particle-rescue devices/);
  });
});
