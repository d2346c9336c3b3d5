/**
 * Test-only child process for the kill tests: runs a one-click key repair on a lab device whose
 * state (DCT, USB mode, the key the virtual cloud holds, the cloud's server keys) is kept in a folder
 * and written on every device change, so the next child continues with the same device after a
 * SIGKILL. It prints `STEP <name>` at each boundary and, when STOP_AT names it, waits there to be killed.
 *
 * Env: STATE_DIR (required), SCENARIO (default photon-seed), STOP_AT (optional step name).
 * Output lines: DEVICE <id>, ORIGINAL <base64 private-key slot>, STEP <name>, RESULT <json>.
 */
import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_SLOTS } from '../../../../shared/domain/dct-layout';
import { generateServerKeys, type ServerKeyPair } from '../../../lab/cloud/virtual-cloud';
import type { CloudProtocol } from '../../../../shared/domain/platforms';
import { OperationRunner } from '../../operations/operation-runner';
import { effectiveProtocol, slotOf } from '../key-health';
import { KeyService } from '../key-service';
import type { KeyDfuPort, KeyDfuSession } from '../ports';
import { settled, startLabRig } from './lab-rig';

interface LabState {
  dct: string;
  usbMode: 'normal' | 'dfu';
  cloudKey: string | null;
}

const stateDir = process.env.STATE_DIR!;
const scenario = process.env.SCENARIO ?? 'photon-seed';
const stopAt = process.env.STOP_AT ?? null;

function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** The virtual cloud's identity must survive the kill, like a real cloud's does. */
function serverKeys(): Record<CloudProtocol, ServerKeyPair> {
  const file = join(stateDir, 'server-keys.json');
  if (!existsSync(file)) {
    const fresh = generateServerKeys();
    const out = Object.fromEntries(
      (['tcp', 'udp'] as const).map((p) => [p, { spki: fresh[p].publicKeySpki.toString('base64'), pem: fresh[p].privateKey.export({ format: 'pem', type: 'pkcs8' }) }]),
    );
    writeAtomic(file, JSON.stringify(out));
  }
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<CloudProtocol, { spki: string; pem: string }>;
  const load = (p: CloudProtocol): ServerKeyPair => ({ publicKeySpki: Buffer.from(saved[p].spki, 'base64'), privateKey: createPrivateKey(saved[p].pem) });
  return { tcp: load('tcp'), udp: load('udp') };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const rig = await startLabRig({ dataDir: join(stateDir, 'data'), cloud: { serverKeys: serverKeys(), instanceId: 'kill-test-cloud' }, keyTiming: { verifyMs: 15_000 } });
  const operations = new OperationRunner(null, rig.opLog);
  const device = await settled(await rig.lab.attach(scenario, { timing: 'fast' }), 5);
  const deviceId = device.deviceId;
  const stateFile = join(stateDir, 'lab-state.json');
  let usbMode: LabState['usbMode'] = 'normal';

  const persist = (): void => {
    const key = rig.cloud.devicePublicKeySpki(deviceId);
    const state: LabState = { dct: Buffer.from(device.dctBytes()).toString('base64'), usbMode, cloudKey: key ? Buffer.from(key).toString('base64') : null };
    writeAtomic(stateFile, JSON.stringify(state));
  };
  const step = async (name: string): Promise<void> => {
    persist();
    say(`STEP ${name}`);
    if (name === stopAt) await new Promise(() => undefined);
  };

  // Bring the device back as the killed process left it.
  if (existsSync(stateFile)) {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as LabState;
    if (state.cloudKey) rig.cloud.registerDevice(deviceId, { platformId: device.platformId, publicKeySpki: new Uint8Array(Buffer.from(state.cloudKey, 'base64')) });
    const dct = new Uint8Array(Buffer.from(state.dct, 'base64'));
    const same = Buffer.compare(Buffer.from(dct), Buffer.from(device.dctBytes())) === 0;
    if (!same || state.usbMode === 'dfu') {
      await operations.run('flash', deviceId, async (ctx) => {
        await rig.dfu.enterDfu(deviceId, ctx);
        const session = await rig.dfu.openSession(deviceId, ctx);
        if (!same) await session.write(1, 0, dct, { erase: false });
        if (state.usbMode === 'normal') await session.leave();
        else await session.close();
      });
    }
    usbMode = state.usbMode;
    if (usbMode === 'normal') await rig.devices.waitFor(deviceId, 'normal', { timeoutMs: 15_000 });
  } else {
    persist();
  }
  say(`DEVICE ${deviceId}`);
  const dctNow = device.dctBytes();
  say(`ORIGINAL ${Buffer.from(slotOf(dctNow, KEY_SLOTS[effectiveProtocol(device.platformId, dctNow)].privateKey)).toString('base64')}`);

  const wrap = (session: KeyDfuSession): KeyDfuSession => ({
    get isProtected() {
      return session.isProtected;
    },
    read: (...args) => session.read(...args),
    async write(alt, address, data, options) {
      await session.write(alt, address, data, options);
      await step(`dct-write@${address}`);
    },
    async leave(signal) {
      await session.leave(signal);
      usbMode = 'normal';
      await step('left-dfu');
    },
    close: () => session.close(),
  });
  const dfu: KeyDfuPort = {
    async enterDfu(id, ctx, options) {
      const entered = await rig.dfu.enterDfu(id, ctx, options);
      usbMode = 'dfu';
      await step('entered-dfu');
      return entered;
    },
    openSession: async (id, ctx) => wrap(await rig.dfu.openSession(id, ctx)),
  };
  // The backup store as the repair sees it, with a step boundary right after a backup is saved.
  const backups: typeof rig.backups = Object.create(rig.backups);
  backups.save = async (...args) => {
    const saved = await rig.backups.save(...args);
    await step('backup-saved');
    return saved;
  };
  const keys = new KeyService({ dataDir: rig.dataDir, backups, devices: rig.devices, dfu, cloud: rig.cloudService, timing: { probeMs: 1_500, verifyMs: 15_000, watchMs: 3_000, pollMs: 25 } });
  const result = await operations.run('repair-keys', deviceId, (ctx) => keys.repair(deviceId, { serverKey: { kind: 'auto' }, preferBackupKey: true }, ctx));
  persist();
  const attached = await rig.devices.find(deviceId);
  say(`RESULT ${JSON.stringify({ result, usbMode: attached.usbMode, cloudOnline: device.cloudOnline, led: device.led().patternId, pending: await keys.pending() })}`);
  await rig.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    say(`ERROR ${error instanceof Error ? error.message : String(error)}`);
    process.exit(3);
  },
);
