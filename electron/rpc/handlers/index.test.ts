import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METHOD_NAMES } from '../../../shared/contract';
import { createServices } from '../../services/create-services';
import type { Services } from '../../services/container';
import { createDispatcher } from '../dispatcher';
import { buildHandlers } from '.';

describe('the real service graph behind the contract', () => {
  let services: Services;
  afterAll(() => services?.close());

  it('binds exactly one handler to every contract method and answers through the dispatcher', async () => {
    services = await createServices({ transport: 'cli', dataDir: mkdtempSync(join(tmpdir(), 'rescue-graph-')), hardware: false, labTiming: 'fast' });
    const handlers = buildHandlers(services, { transport: 'browser', openExternal: async () => false });
    expect(Object.keys(handlers).sort()).toEqual([...METHOD_NAMES].sort());
    const dispatch = createDispatcher(handlers, { readOnly: false, validateOutput: true });
    const ctx = { transport: 'test' as const };
    expect(await dispatch('app.info', {}, ctx)).toMatchObject({ ok: true, value: { name: 'Particle Rescue', transport: 'browser' } });
    const attached = await dispatch('lab.attach', { scenario: 'photon-healthy', timing: 'fast' }, ctx);
    expect(attached).toMatchObject({ ok: true, value: { device: { virtual: true, platformName: 'Photon' } } });
    const list = await dispatch('devices.list', {}, ctx);
    expect(list).toMatchObject({ ok: true, value: { devices: [{ scenario: 'photon-healthy' }] } });
    expect(await dispatch('cloud.session', {}, ctx)).toMatchObject({ ok: true, value: { loggedIn: true, profileId: 'virtual-cloud' } });
    expect(await dispatch('lab.attach', { scenario: 'no-such-scenario' }, ctx)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
