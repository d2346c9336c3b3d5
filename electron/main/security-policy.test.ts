import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  isAllowedExternalUrl,
  isNavigationAllowed,
  isPermissionGranted,
  isTrustedSender,
  securityHeaders,
  webPreferences,
  windowOpenDecision,
} from './security-policy';

describe('web preferences', () => {
  const prefs = webPreferences('/app/preload.js');
  it('keeps the renderer isolated and sandboxed', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.preload).toBe('/app/preload.js');
  });
});

describe('content security policy', () => {
  const csp = contentSecurityPolicy();
  const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
  it('denies by default and allows only our own scripts and styles', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });
  it('never allows inline code, eval or remote hosts', () => {
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
  });
  it('adds only the given loopback socket to connect-src', () => {
    expect(contentSecurityPolicy(['ws://127.0.0.1:4000'])).toContain("connect-src 'self' ws://127.0.0.1:4000");
  });
  it('is sent with every app file', () => {
    expect(securityHeaders()['Content-Security-Policy']).toBe(csp);
    expect(securityHeaders()['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('navigation, windows and external links', () => {
  it('denies every navigation', () => {
    for (const url of ['https://evil.example/', `${APP_ORIGIN}/other`, 'file:///etc/passwd', 'https://docs.particle.io/']) {
      expect(isNavigationAllowed(url)).toBe(false);
    }
  });
  it('denies window.open and sends only allow-listed pages to the system browser', () => {
    expect(windowOpenDecision('https://docs.particle.io/troubleshooting/led/')).toEqual({ action: 'deny', openExternally: true });
    expect(windowOpenDecision('https://console.particle.io/devices')).toEqual({ action: 'deny', openExternally: true });
    expect(windowOpenDecision('https://evil.example/')).toEqual({ action: 'deny', openExternally: false });
  });
  it('allows only https on the two Particle hosts', () => {
    expect(isAllowedExternalUrl('https://docs.particle.io/x')).toBe(true);
    expect(isAllowedExternalUrl('http://docs.particle.io/x')).toBe(false);
    expect(isAllowedExternalUrl('https://docs.particle.io.evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@docs.particle.io/')).toBe(false);
    expect(isAllowedExternalUrl('https://docs.particle.io:8443/')).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternalUrl('not a url')).toBe(false);
  });
});

describe('permissions and senders', () => {
  it('denies every permission, USB and serial included', () => {
    for (const p of ['usb', 'serial', 'hid', 'media', 'geolocation', 'notifications', 'clipboard-read']) {
      expect(isPermissionGranted(p)).toBe(false);
    }
  });
  it('trusts only our own main frame showing app content', () => {
    const main = { url: `${APP_ORIGIN}/index.html` };
    expect(isTrustedSender(main, main)).toBe(true);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html` }, main)).toBe(false);
    const hijacked = { url: 'https://evil.example/' };
    expect(isTrustedSender(hijacked, hijacked)).toBe(false);
    expect(isTrustedSender(null, main)).toBe(false);
  });
});
