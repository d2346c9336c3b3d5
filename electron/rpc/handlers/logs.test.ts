import { describe, expect, it } from 'vitest';
import { logsMethods } from '../../../shared/contract/logs';
import type { DeviceSummary } from '../../../shared/domain';
import { OperationLog } from '../../services/operations/operation-log';
import { SerialService } from '../../services/logs/serial-service';
import { openVirtualPort } from '../../services/logs/test-support/virtual-port';
import { logsHandlers } from './logs';

const ctx = { transport: 'test' as const };
const summary = (deviceId: string, usbMode: 'normal' | 'dfu'): DeviceSummary => ({
  deviceId, platformId: 6, platformName: 'Photon', mode: usbMode === 'dfu' ? 'dfu' : 'normal', usbMode,
  deviceOsVersion: null, virtual: true, scenario: 'photon-healthy', health: 'unknown', busy: false,
});

describe('logsHandlers', () => {
  it('lists ports of devices running Device OS and streams, stops and exports through the contract', async () => {
    const pty = openVirtualPort();
    const running = '0123456789abcdef01234567';
    const inDfu = 'bbbbbbbbbbbbbbbbbbbbbbbb';
    const serial = new SerialService({
      opLog: new OperationLog(null),
      locators: [{ locate: async () => ({ path: pty.hostEnd, virtual: true }), touchBaud: async () => undefined }],
      batchMs: 5,
    });
    const handlers = logsHandlers({ serial, devices: { list: async () => [summary(running, 'normal'), summary(inDfu, 'dfu')] } });
    try {
      const ports = await handlers['logs.ports']({}, ctx);
      expect(logsMethods['logs.ports'].output.parse(ports).ports).toEqual([{ path: pty.hostEnd, deviceId: running, virtual: true }]);
      expect(await handlers['logs.start']({ deviceId: running }, ctx)).toEqual({ path: pty.hostEnd });
      await pty.write('0000000001 [app] INFO: hello\n');
      for (let i = 0; i < 200 && serial.lines(running).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      const exported = await handlers['logs.export']({ deviceId: running, filter: { text: 'hello' } }, ctx);
      expect(logsMethods['logs.export'].output.parse(exported).content).toContain('[app] INFO: hello');
      expect(await handlers['logs.stop']({ deviceId: running }, ctx)).toEqual({ stopped: true });
    } finally {
      await serial.stopAll();
      await pty.close();
    }
  });
});
