import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Services } from './container';
import { createServices } from './create-services';

describe('desktop mode: a virtual device is repaired against the virtual cloud, not the user profile', () => {
  let services: Services;
  afterAll(() => services?.close());

  it('keeps the Particle Cloud profile for hardware while the virtual Photon ends online in the lab cloud', async () => {
    services = await createServices({ transport: 'electron', dataDir: mkdtempSync(join(tmpdir(), 'rescue-desktop-')), hardware: true, labTiming: 'fast' });
    expect((await services.cloud.activeProfile()).kind).toBe('particle');
    const device = await services.lab.attach('photon-seed', { timing: 'fast' });
    const result = await services.operations.run('repair-keys', device.deviceId, (ctx) =>
      services.keys.repair(device.deviceId, { serverKey: { kind: 'auto' }, preferBackupKey: true }, ctx),
    );
    expect(result.upload).toBe('done');
    expect(device.cloudOnline).toBe(true);
    expect(device.led().patternId).toBe('breathing-cyan');
    expect((await services.cloud.activeProfile()).kind).toBe('particle');
  });
});
