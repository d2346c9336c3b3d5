// Which Chromium the e2e suite drives: one answer for `npm test`'s preflight (scripts/test-all.mjs)
// and e2e/playwright.config.ts. CommonJS and synchronous so both can load it.
const { existsSync } = require('node:fs');

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ENV = 'PARTICLE_RESCUE_CHROMIUM';
const INSTALL_CHROMIUM =
  'no Chromium for the e2e tests: install one with `apt-get install chromium` (Debian/Ubuntu) or `npx playwright install chromium`, or set PARTICLE_RESCUE_CHROMIUM=/path/to/chromium';

function playwrightChromium() {
  try {
    return require('playwright-core').chromium.executablePath();
  } catch {
    return null;
  }
}

/**
 * PARTICLE_RESCUE_CHROMIUM when set (an explicit choice; a problem when it does not exist), else
 * Debian's /usr/bin/chromium, else the browser `npx playwright install chromium` downloaded.
 */
function findChromium({ env = process.env, exists = existsSync, playwrightPath = playwrightChromium } = {}) {
  const chosen = env[CHROMIUM_ENV];
  if (chosen) {
    return exists(chosen)
      ? { path: chosen, source: CHROMIUM_ENV }
      : { path: null, problem: `${CHROMIUM_ENV}=${chosen} does not exist: point it at a Chromium binary, or unset it to use ${SYSTEM_CHROMIUM}` };
  }
  if (exists(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: 'system' };
  const own = playwrightPath();
  if (own && exists(own)) return { path: own, source: 'playwright' };
  return { path: null, problem: INSTALL_CHROMIUM };
}

module.exports = { findChromium, SYSTEM_CHROMIUM, CHROMIUM_ENV, INSTALL_CHROMIUM };
