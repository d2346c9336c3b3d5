import { describe, expect, it } from 'vitest';
import { FirmwareService } from '../../services/firmware/firmware-service';
import { photonUserPart } from '../../services/firmware/testing/test-modules';
import type { OperationContext } from '../../services/operations/operation-runner';
import { firmwareHandlers } from './firmware';

const CALL = { transport: 'test' } as const;
const b64 = (data: Uint8Array) => Buffer.from(data).toString('base64');

describe('firmwareHandlers', () => {
  const inspectOnly = { inspect: FirmwareService.prototype.inspect } as unknown as FirmwareService;

  it('firmware.inspect decodes base64 files and returns module info', async () => {
    const handlers = firmwareHandlers({ firmware: inspectOnly, operations: { start: () => { throw new Error('unused'); } } });
    const result = await handlers['firmware.inspect']({ files: [{ fileName: 'app.bin', dataBase64: b64(photonUserPart()) }] }, CALL);
    expect(result.files[0].modules[0]).toMatchObject({ function: 'userPart', platformId: 6, crcOk: true, sha256Ok: true });
  });

  it('firmware.flash starts a flash operation with the decoded files', async () => {
    const seen: { kind: string; deviceId: string | null; bytes: number }[] = [];
    const firmware = {
      inspect: () => ({ files: [] }),
      plan: async () => { throw new Error('unused'); },
      flash: async (_id: string, files: { data: Uint8Array }[]) => {
        seen.push({ kind: 'flash-call', deviceId: _id, bytes: files[0].data.length });
        return null as never;
      },
      updateDeviceOs: async (_id: string, request: { version?: string; files?: { data: Uint8Array }[] }) => {
        seen.push({ kind: `update-call:${request.version ?? 'latest'}`, deviceId: _id, bytes: request.files?.[0].data.length ?? 0 });
        return null as never;
      },
    };
    const handlers = firmwareHandlers({
      firmware,
      operations: {
        start: (kind, deviceId, run) => {
          seen.push({ kind, deviceId, bytes: 0 });
          void run({} as OperationContext);
          return { operationId: 'op-test-1', kind, deviceId };
        },
      },
    });
    const ref = await handlers['firmware.flash']({ deviceId: '0123456789abcdef01234567', files: [{ fileName: 'a.bin', dataBase64: b64(new Uint8Array(10)) }] }, CALL);
    expect(ref.kind).toBe('flash');
    expect(seen).toEqual([{ kind: 'flash', deviceId: '0123456789abcdef01234567', bytes: 0 }, { kind: 'flash-call', deviceId: '0123456789abcdef01234567', bytes: 10 }]);
    seen.length = 0;
    await handlers['firmware.update']({ deviceId: '0123456789abcdef01234567', version: '2.3.1' }, CALL);
    expect(seen.at(-1)).toEqual({ kind: 'update-call:2.3.1', deviceId: '0123456789abcdef01234567', bytes: 0 });
  });
});
