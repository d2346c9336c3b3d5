import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../rpc/event-bus';
import type { Services } from '../../services/container';
import { SerialService } from '../../services/logs/serial-service';
import { openVirtualPort, type TestPort } from '../../services/logs/test-support/virtual-port';
import { OperationLog } from '../../services/operations/operation-log';
import type { CliEnv } from '../types';
import { command as logsCommand } from './logs';

const DEVICE_ID = '0123456789abcdef01234567';
let pty: TestPort;
let serial: SerialService;
let services: Services;

beforeEach(async () => {
  pty = openVirtualPort();
  const bus = new EventBus();
  serial = new SerialService({ opLog: new OperationLog(null), bus, batchMs: 5, locators: [{ locate: async () => ({ path: pty.hostEnd, virtual: true }), touchBaud: async () => undefined }] });
  services = { bus, serial } as unknown as Services;
});
afterEach(async () => {
  await serial.stopAll();
  await pty.close();
});

function env(json: boolean): CliEnv & { out: string[] } {
  const out: string[] = [];
  return { out, json, print: (t) => out.push(t), printJson: (v) => out.push(JSON.stringify(v)), services: async () => services, deviceId: async () => DEVICE_ID };
}

/** Writes once the command has the port open. */
async function feed(text: string): Promise<void> {
  for (let i = 0; i < 500 && !serial.isStreaming(DEVICE_ID); i++) await new Promise((r) => setTimeout(r, 5));
  await pty.write(text);
}

const LINES = '0000000001 [system] INFO: boot\n0000000002 [comm.protocol] WARN: handshake slow\n0000000003 [app] ERROR: sensor\n';

describe('logs CLI command', () => {
  it('prints the filtered live log for the given time, then closes the port', async () => {
    const e = env(false);
    const done = logsCommand.run({ positionals: [], flags: { level: 'warn', seconds: '0.5' } }, e);
    await feed(LINES);
    expect(await done).toBe(0);
    expect(e.out.slice(1).map((l) => l.replace(/^\S+ /, ''))).toEqual(['0000000002 [comm.protocol] WARN: handshake slow', '0000000003 [app] ERROR: sensor']);
    expect(serial.isStreaming(DEVICE_ID)).toBe(false);
  });

  it('--json prints the parsed lines of the chosen categories', async () => {
    const e = env(true);
    const done = logsCommand.run({ positionals: [], flags: { category: 'comm.protocol,net', seconds: '0.5', json: true } }, e);
    await feed(LINES);
    await done;
    expect(JSON.parse(e.out.at(-1)!).lines).toEqual([expect.objectContaining({ category: 'comm.protocol', level: 'warn', message: 'handshake slow' })]);
  });

  it('explains a bad filter', async () => {
    await expect(logsCommand.run({ positionals: [], flags: { level: 'loud' } }, env(false))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(logsCommand.run({ positionals: [], flags: { seconds: '-1' } }, env(false))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
