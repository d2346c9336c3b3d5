import { describe, expect, it } from 'vitest';
import { findChromium, INSTALL_CHROMIUM } from './find-chromium.cjs';

const only = (...paths: string[]) => (p: string) => paths.includes(p);
const PW = '/root/.cache/ms-playwright/chromium-1/chrome-linux/chrome';

describe('findChromium (e2e browser choice)', () => {
  it("uses Debian's /usr/bin/chromium first", () => {
    expect(findChromium({ env: {}, exists: only('/usr/bin/chromium', PW), playwrightPath: () => PW })).toEqual({ path: '/usr/bin/chromium', source: 'system' });
  });

  it("else Playwright's own browser when it is installed", () => {
    expect(findChromium({ env: {}, exists: only(PW), playwrightPath: () => PW })).toEqual({ path: PW, source: 'playwright' });
  });

  it('else says in one line exactly what to install', () => {
    const none = findChromium({ env: {}, exists: only(), playwrightPath: () => PW });
    expect(none).toEqual({ path: null, problem: INSTALL_CHROMIUM });
    expect(INSTALL_CHROMIUM).toMatch(/apt-get install chromium.*npx playwright install chromium/);
    expect(INSTALL_CHROMIUM).not.toContain('\n');
  });

  it('PARTICLE_RESCUE_CHROMIUM is an explicit choice: used when it exists, a clear problem when not', () => {
    expect(findChromium({ env: { PARTICLE_RESCUE_CHROMIUM: '/opt/c' }, exists: only('/opt/c', '/usr/bin/chromium') })).toEqual({ path: '/opt/c', source: 'PARTICLE_RESCUE_CHROMIUM' });
    expect(findChromium({ env: { PARTICLE_RESCUE_CHROMIUM: '/opt/c' }, exists: only('/usr/bin/chromium') }).problem).toMatch(/PARTICLE_RESCUE_CHROMIUM=\/opt\/c does not exist/);
  });
});
