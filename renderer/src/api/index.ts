import { createBridgeClient, type PreloadBridge } from './bridge-client';
import { ApiError, type ApiClient } from './types';
import { addressWithoutToken, createWsClient, wsUrlFromLocation } from './ws-client';

export { ApiError, type ApiClient };

let api: ApiClient | null = null;

/** Picks the transport once: the preload bridge inside Electron, else the rescue host's WebSocket. */
export function getApi(): ApiClient {
  if (api) return api;
  const bridge = (globalThis as { particleRescue?: PreloadBridge }).particleRescue;
  if (bridge) {
    api = createBridgeClient(bridge);
    return api;
  }
  const url = wsUrlFromLocation(window.location);
  if (!url) {
    throw new ApiError({
      code: 'FORBIDDEN_SENDER',
      message: 'This page was opened without its access token.',
      fix: 'Open the full address the rescue host printed (it ends in ?token=…).',
    });
  }
  // Once the socket is open the token leaves the address bar and history; reconnects use the copy in memory.
  api = createWsClient(url, { onFirstOpen: () => window.history.replaceState(window.history.state, '', addressWithoutToken(window.location)) });
  return api;
}

/** Component tests inject a fake client. */
export function setApiForTests(fake: ApiClient | null): void {
  api = fake;
}
