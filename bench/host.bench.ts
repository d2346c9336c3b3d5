import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRescueHost } from '../electron/host/rescue-host';
import { wsClient } from '../electron/host/testing/host-client';
import { createDispatcher } from '../electron/rpc/dispatcher';
import { buildHandlers } from '../electron/rpc/handlers';
import { createServices } from '../electron/services/create-services';

/**
 * The rescue host under a devices.list flood (issue 16: 10,000 messages once got 7,500 answers in
 * 60 s at ~100 ms a probe). A virtual Photon with realistic USB timing is attached, so a call that
 * touched USB would show at once in the rate.
 */
export async function run(print: (line: string) => void): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'rescue-host-bench-'));
  writeFileSync(join(base, 'index.html'), '<!doctype html>');
  const services = await createServices({ transport: 'browser', dataDir: join(base, 'data'), hardware: false, labTiming: 'realistic', readOnly: false, station: false });
  const dispatch = createDispatcher(buildHandlers(services, { transport: 'browser', openExternal: async () => false }), { readOnly: false, validateOutput: false });
  const host = await startRescueHost({ port: 0, staticDir: base, dispatch, bus: services.bus });
  try {
    await services.lab.attach('photon-healthy', { timing: 'realistic' });
    const client = await wsClient(host);
    const first = performance.now();
    await client.call('devices.list', {});
    print(`first devices.list (probes the device over realistic USB): ${(performance.now() - first).toFixed(0)} ms`);
    for (const count of [10_000]) {
      const started = performance.now();
      const replies = await Promise.all(Array.from({ length: count }, () => client.call('devices.list', {})));
      const ms = performance.now() - started;
      const answered = replies.filter((r) => r.ok).length;
      print(`${count} devices.list calls on one socket: ${answered} answered in ${ms.toFixed(0)} ms (${Math.round((answered / ms) * 1000)} calls/s)`);
    }
    client.ws.close();
  } finally {
    await host.close();
    await services.close();
  }
}
