export const SYSTEM_CHROMIUM: string;
export const CHROMIUM_ENV: string;
export const INSTALL_CHROMIUM: string;
export type ChromiumChoice = { path: string; source: string; problem?: undefined } | { path: null; problem: string; source?: undefined };
export function findChromium(options?: { env?: Record<string, string | undefined>; exists?: (path: string) => boolean; playwrightPath?: () => string | null }): ChromiumChoice;
