import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { backupsMethods, RestoreResultSchema } from '../../../shared/contract/backups';
import { KeyHealthSchema, keysMethods, RepairResultSchema } from '../../../shared/contract/keys';
import { startLabRig, type LabRig } from '../../services/keys/testing/lab-rig';
import type { CliEnv } from '../../cli/types';
import type { Services } from '../../services/container';
import { backupCommand, backupsCommand, restoreCommand } from '../../cli/commands/backups';
import { diagnoseCommand, repairKeysCommand } from '../../cli/commands/keys';
import { backupsHandlers } from './backups';
import { keysHandlers } from './keys';

const call = { transport: 'test' as const };
let rig: LabRig;

beforeAll(async () => {
  rig = await startLabRig({ keyTiming: { probeMs: 200 } });
});
afterAll(async () => {
  await rig.close();
});

function keysOut<M extends keyof typeof keysMethods>(method: M, value: unknown): z.output<(typeof keysMethods)[M]['output']> {
  return keysMethods[method].output.parse(value) as z.output<(typeof keysMethods)[M]['output']>;
}

describe('keys.* and backups.* handlers', () => {
  it('run health check, repair, backup list/verify and restore as operations whose results match the contract', async () => {
    const keys = keysHandlers({ keys: rig.keys, operations: rig.operations });
    const backups = backupsHandlers({ backups: rig.backups, keys: rig.keys, operations: rig.operations });
    const device = await rig.lab.attach('argon-seed', { timing: 'fast' });
    const deviceId = device.deviceId;

    const checkRef = keysOut('keys.healthCheck', await keys['keys.healthCheck'](keysMethods['keys.healthCheck'].input.parse({ deviceId }), call));
    const check = await rig.operations.wait(checkRef.operationId);
    expect(KeyHealthSchema.parse(check.result).healthy).toBe(false);

    const repairInput = keysMethods['keys.repair'].input.parse({ deviceId });
    const repairRef = keysOut('keys.repair', await keys['keys.repair'](repairInput, call));
    const repaired = RepairResultSchema.parse((await rig.operations.wait(repairRef.operationId)).result);
    expect(repaired).toMatchObject({ action: 'generated', cloudConnected: true });
    expect(keysOut('keys.pending', await keys['keys.pending']({}, call))).toEqual({ pending: [] });

    const list = backupsMethods['backups.list'].output.parse(await backups['backups.list']({}, call));
    expect(list.backups.map((b) => b.backupId)).toEqual([repaired.backupId]);
    expect(backupsMethods['backups.verify'].output.parse(await backups['backups.verify']({ backupId: repaired.backupId! }, call))).toEqual({ ok: true, problems: [] });

    // The pre-repair key is not one the cloud holds: the restore asks first and writes nothing.
    const refusedRef = await backups['backups.restore']({ backupId: repaired.backupId! }, call);
    expect(await rig.operations.wait(refusedRef.operationId)).toMatchObject({ status: 'failed', error: { code: 'RESTORE_NEEDS_DECISION' } });
    const restoreRef = await backups['backups.restore']({ backupId: repaired.backupId!, uploadKey: true }, call);
    const restored = RestoreResultSchema.parse((await rig.operations.wait(restoreRef.operationId)).result);
    expect(restored).toMatchObject({ keyUnknownToCloud: true, upload: 'done' });
    expect(restored.written).toContain('private-key');
    await expect(backups['backups.restore']({ backupId: `${deviceId}-nothing-here` }, call)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await rig.lab.detach(deviceId);
  });
});

describe('CLI commands', () => {
  it('diagnose, repair-keys, backup, backups --json and restore', async () => {
    const device = await rig.lab.attach('electron-seed', { timing: 'fast' });
    const lines: string[] = [];
    const json: unknown[] = [];
    const env = (asJson: boolean): CliEnv => ({
      json: asJson,
      services: async () => ({ keys: rig.keys, backups: rig.backups, operations: rig.operations, bus: { subscribe: () => () => undefined }, devices: rig.devices }) as unknown as Services,
      print: (text) => lines.push(text),
      printJson: (value) => json.push(value),
      deviceId: async (given) => given ?? device.deviceId,
    });
    // As runCli hands them over: the command name is already removed.
    const args = (positionals: string[], flags: Record<string, string | boolean> = {}) => ({ positionals, flags });

    expect(await diagnoseCommand.run(args([]), env(false))).toBe(1);
    expect(lines.join('\n')).toMatch(/keys need repair/);
    expect(await repairKeysCommand.run(args([], { 'server-key': 'auto' }), env(false))).toBe(0);
    expect(lines.join('\n')).toMatch(/key repair done \(generated\)[\s\S]*online \(breathing cyan\)/);
    expect(await diagnoseCommand.run(args([]), env(true))).toBe(0);
    expect(KeyHealthSchema.parse(json.at(-1)).healthy).toBe(true);

    expect(await backupCommand.run(args([]), env(false))).toBe(0);
    expect(await backupsCommand.run(args([device.deviceId]), env(true))).toBe(0);
    const listed = json.at(-1) as { backups: { backupId: string }[] };
    expect(listed.backups).toHaveLength(2);
    expect(await backupsCommand.run(args([], { verify: true }), env(false))).toBe(0);
    // The older backup holds the pre-repair key, which the cloud does not hold: a decision, not a side effect.
    const preRepair = listed.backups[1].backupId;
    await expect(restoreCommand.run(args([preRepair]), env(false))).rejects.toMatchObject({ code: 'RESTORE_NEEDS_DECISION' });
    expect(await restoreCommand.run(args([preRepair], { force: true }), env(false))).toBe(0);
    expect(lines.join('\n')).toMatch(/Restored private-key[\s\S]*is not known to/);
    await expect(repairKeysCommand.run(args([], { product: 'abc' }), env(false))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
