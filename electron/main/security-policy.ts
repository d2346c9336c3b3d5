import { EXTERNAL_URL_ALLOW_LIST } from '../../shared/contract/app';
import { contentSecurityPolicy, responseSecurityHeaders } from '../security/content-policy';

/** The CSP builder lives in ../security, shared with the browser-mode host; re-exported for main.ts. */
export { contentSecurityPolicy };

/**
 * The Electron security baseline as plain data and pure predicates, so that weakening any of it fails
 * a unit test without an Electron binary. main.ts only applies what is here.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'rescue';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export function webPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  } as const;
}

/** Headers served with every app:// response (the same set the browser-mode host sends). */
export function securityHeaders(): Record<string, string> {
  return responseSecurityHeaders();
}

/** The window never navigates anywhere: in-app routing is client-side only. */
export function isNavigationAllowed(_url: string): boolean {
  return false;
}

/** window.open is always denied; allow-listed pages go to the system browser instead. */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isAllowedExternalUrl(url) };
}

export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port) return false;
  return EXTERNAL_URL_ALLOW_LIST.some((allowed) => new URL(allowed).host === parsed.host);
}

/** The renderer never touches USB, serial, HID, camera… itself: main does all device work. */
export function isPermissionGranted(_permission: string): boolean {
  return false;
}

export interface FrameLike {
  url: string;
}

/** Only our own top-level frame, showing our own app content, may call the contract. */
export function isTrustedSender(frame: FrameLike | null | undefined, mainFrame: FrameLike | null | undefined): boolean {
  if (!frame || !mainFrame || frame !== mainFrame) return false;
  try {
    return new URL(frame.url).origin === APP_ORIGIN || frame.url.startsWith(`${APP_ORIGIN}/`);
  } catch {
    return false;
  }
}
