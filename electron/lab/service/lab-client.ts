import { WebSocket } from 'ws';
import { type LabRecord, labUrl, labUsageError, pidAlive, readLabRecord } from './lab-files';
import type { LabSession, LabStatus } from './lab-service';
import { RemoteLabUsbSource } from './remote-usb-source';

const START_HINT = 'Start one with `npm run lab -- start <scenario>` (add --lab-dir <folder> for another folder), or drop --lab.';

function record(labDir: string): LabRecord {
  const found = readLabRecord(labDir);
  if (!found) throw labUsageError(`No lab is running on ${labDir} (there is no lab.json there).`, START_HINT);
  return found;
}

function notAnswering(labDir: string, found: LabRecord): Error {
  const why = pidAlive(found.pid) ? `its port ${found.port} does not answer` : `its process ${found.pid} is gone`;
  return labUsageError(`No lab is running on ${labDir}: lab.json is stale (${why}).`, START_HINT);
}

function wrongToken(labDir: string): Error {
  return labUsageError(
    `The lab on ${labDir} refused the access token in its lab.json.`,
    'lab.json does not belong to the lab that answers on its port: run `lab stop` for that folder, then `lab start` again.',
  );
}

/** One HTTP call to the lab service of a folder; clear errors for no lab, a stale record, a wrong token. */
export async function labRequest<T>(labDir: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const found = record(labDir);
  let response: Response;
  try {
    response = await fetch(labUrl(found, path), {
      method,
      headers: { authorization: `Bearer ${found.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw notAnswering(labDir, found);
  }
  if (response.status === 401) throw wrongToken(labDir);
  const data = (await response.json()) as T & { error?: string; fix?: string };
  if (!response.ok) throw labUsageError(data.error ?? `The lab answered ${response.status}.`, data.fix ?? 'Check `lab status`.');
  return data;
}

export function labStatus(labDir: string): Promise<LabStatus> {
  return labRequest<LabStatus>(labDir, 'GET', '/lab/status');
}

/** A client's live link to a lab service: its USB bus, its cloud, and which lab it is. */
export interface RemoteLab {
  labDir: string;
  record: LabRecord;
  session: LabSession;
  source: RemoteLabUsbSource;
  close(): void;
}

/** Attach to the lab service of a folder: session (cloud profile + token) over HTTP, USB over a WebSocket. */
export async function connectRemoteLab(labDir: string): Promise<RemoteLab> {
  const session = await labRequest<LabSession>(labDir, 'POST', '/lab/session');
  const found = record(labDir);
  const ws = new WebSocket(`ws://127.0.0.1:${found.port}/usb`, { headers: { authorization: `Bearer ${found.token}` } });
  const source = new RemoteLabUsbSource(ws);
  const refused = new Promise<never>((_, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(res.statusCode === 401 ? wrongToken(labDir) : notAnswering(labDir, found)));
  });
  try {
    await Promise.race([source.ready, refused]);
  } catch (error) {
    ws.terminate();
    throw error instanceof Error && 'code' in error ? error : notAnswering(labDir, found);
  }
  return { labDir, record: found, session, source, close: () => source.close() };
}
