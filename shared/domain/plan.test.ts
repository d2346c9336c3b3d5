import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiagnosisSchema, type PlanStep, type WizardStepId } from '../contract/diagnosis';
import type { KeyHealth } from '../contract/keys';
import { LED_CATALOG } from './led-catalog';
import { buildDiagnosis, buildPlan, DEVICE_PROTECTION_EXPLANATION, type PlanFacts } from './plan';
import { olderThan } from './plan-assess';

const DEVICE_ID = '0123456789abcdef01234567';

function keyHealth(overrides: Partial<KeyHealth> = {}, privateKey: Partial<KeyHealth['privateKey']> = {}): KeyHealth {
  const healthy = overrides.healthy ?? true;
  return {
    deviceId: DEVICE_ID,
    platformId: 6,
    protocol: 'tcp',
    profileId: 'particle',
    dctReadable: true,
    protected: false,
    privateKey: { state: 'valid', algorithm: 'rsa-1024', publicKeySha256: 'a'.repeat(64), matchesDevicePublicKey: healthy, ...privateKey },
    serverKey: { state: 'genuine', sha256: 'b'.repeat(64), address: { kind: 'default', host: 'device.spark.io', port: 5683 }, matchesProfile: true },
    cloudConnected: null,
    healthy,
    summary: healthy ? 'Keys are healthy.' : 'Keys need repair.',
    problems: healthy ? [] : ['The private key does not match the device public key.'],
    notes: [],
    ...overrides,
  };
}

const HEALTHY: PlanFacts = {
  platformId: 6,
  mode: 'normal',
  ledPatternId: null,
  cloudStatus: 'connected',
  keyHealth: keyHealth(),
  systemFirmwareValid: true,
  userFirmwareValid: true,
  wifiCredentials: true,
  protected: false,
};

const facts = (overrides: Partial<PlanFacts>): PlanFacts => ({ ...HEALTHY, ...overrides });
const step = (plan: PlanStep[], id: WizardStepId): PlanStep => plan.find((s) => s.step === id)!;
const index = (plan: PlanStep[], id: WizardStepId): number => plan.findIndex((s) => s.step === id);

describe('buildPlan', () => {
  it('has nothing to do for a healthy, connected device', () => {
    const plan = buildPlan(HEALTHY);
    expect(plan.map((s) => s.step)).toEqual(['diagnose', 'enter-dfu', 'repair-keys', 'reflash-os', 'reflash-user', 'wifi', 'verify']);
    expect(plan.filter((s) => s.step !== 'diagnose').every((s) => s.action === 'skip')).toBe(true);
    expect(step(plan, 'repair-keys').reason).toMatch(/healthy/);
    expect(buildDiagnosis(HEALTHY, DEVICE_ID).summary).toMatch(/healthy/);
  });

  it('plans DFU, key repair and verify for a key mismatch', () => {
    const plan = buildPlan(facts({ cloudStatus: 'connecting', keyHealth: keyHealth({ healthy: false }), ledPatternId: 'cyan-red-burst' }));
    expect(step(plan, 'enter-dfu').action).toBe('run');
    expect(step(plan, 'repair-keys').action).toBe('run');
    expect(step(plan, 'repair-keys').reason).toMatch(/does not match/);
    expect(step(plan, 'reflash-os').action).toBe('skip');
    expect(step(plan, 'verify').action).toBe('run');
    const diagnosis = buildDiagnosis(facts({ cloudStatus: 'connecting', keyHealth: keyHealth({ healthy: false }) }), DEVICE_ID);
    expect(diagnosis.summary).toMatch(/key does not match/);
  });

  it('reinstalls Device OS before repairing keys when the system firmware is broken', () => {
    const plan = buildPlan(facts({ systemFirmwareValid: false, keyHealth: null, cloudStatus: 'disconnected', mode: 'safe' }));
    expect(step(plan, 'reflash-os').action).toBe('run');
    expect(step(plan, 'repair-keys').action).toBe('run');
    expect(index(plan, 'reflash-os')).toBeLessThan(index(plan, 'repair-keys'));
    expect(step(plan, 'repair-keys').reason).toMatch(/cannot be read over DFU until Device OS/);
  });

  it('refuses key writes on a protected device with the Device Protection explanation', () => {
    const plan = buildPlan(facts({ protected: true, cloudStatus: 'connecting', keyHealth: keyHealth({ healthy: false, protected: true }) }));
    expect(step(plan, 'repair-keys').action).toBe('manual');
    expect(step(plan, 'repair-keys').reason).toBe(DEVICE_PROTECTION_EXPLANATION);
    expect(step(plan, 'enter-dfu').action).toBe('skip');
    expect(buildDiagnosis(facts({ protected: true, keyHealth: keyHealth({ healthy: false }), cloudStatus: 'connecting' }), DEVICE_ID).summary).toMatch(/Device Protection/);
  });

  it('gives Gen 2 Wi-Fi advice for a Photon in listening mode without credentials', () => {
    const plan = buildPlan(facts({ mode: 'listening', cloudStatus: 'disconnected', wifiCredentials: false }));
    expect(step(plan, 'wifi').action).toBe('manual');
    expect(step(plan, 'wifi').reason).toMatch(/particle serial wifi/);
    expect(step(plan, 'repair-keys').action).toBe('skip');
    const diagnosis = buildDiagnosis(facts({ mode: 'listening', cloudStatus: 'disconnected', wifiCredentials: null }), DEVICE_ID);
    expect(diagnosis.summary).toMatch(/listening mode/);
    expect(diagnosis.why).toMatch(/particle serial wifi/);
  });

  it('gives Gen 3+ Wi-Fi advice for an Argon or a P2', () => {
    for (const platformId of [12, 32]) {
      const reason = step(buildPlan(facts({ platformId, mode: 'listening', cloudStatus: 'disconnected', wifiCredentials: null })), 'wifi').reason;
      expect(reason).toMatch(/particle wifi add/);
      expect(reason).toMatch(/particle wifi join/);
    }
  });

  it('asks about the SIM card, not Wi-Fi, for a cellular device in listening mode', () => {
    const plan = buildPlan(facts({ platformId: 13, mode: 'listening', cloudStatus: 'disconnected', wifiCredentials: null }));
    expect(step(plan, 'wifi').action).toBe('manual');
    expect(step(plan, 'wifi').title).toBe('Check the cellular connection');
    expect(step(plan, 'wifi').reason).toMatch(/SIM/);
  });

  it('reinstalls the application in safe mode and skips DFU when already there', () => {
    const safe = buildPlan(facts({ mode: 'safe', userFirmwareValid: null, cloudStatus: 'connected' }));
    expect(step(safe, 'reflash-user').action).toBe('run');
    const inDfu = buildPlan(facts({ mode: 'dfu', cloudStatus: 'unknown', systemFirmwareValid: null, userFirmwareValid: null, keyHealth: keyHealth({ healthy: false }) }));
    expect(step(inDfu, 'enter-dfu').action).toBe('skip');
    expect(step(inDfu, 'enter-dfu').reason).toMatch(/already in DFU/);
  });

  it('plans from the LED alone when no device is attached', () => {
    const bare: PlanFacts = { ...HEALTHY, platformId: null, mode: null, cloudStatus: 'unknown', keyHealth: null, systemFirmwareValid: null, userFirmwareValid: null, wifiCredentials: null };
    expect(step(buildPlan({ ...bare, ledPatternId: 'cyan-red-burst' }), 'repair-keys').action).toBe('run');
    expect(step(buildPlan({ ...bare, ledPatternId: 'blinking-blue' }), 'wifi').action).toBe('manual');
    expect(step(buildPlan({ ...bare, ledPatternId: 'sos' }), 'reflash-user').action).toBe('run');
    expect(step(buildPlan({ ...bare, ledPatternId: 'breathing-cyan' }), 'repair-keys').action).toBe('skip');
    const diagnosis = buildDiagnosis({ ...bare, ledPatternId: 'cyan-red-burst' }, null);
    expect(diagnosis.deviceId).toBeNull();
    expect(diagnosis.findings.find((f) => f.source === 'led')?.severity).toBe('warn');
  });

  it('reads blinking yellow as missing firmware only when the device itself cannot be asked', () => {
    const bare: PlanFacts = { ...HEALTHY, platformId: null, mode: null, cloudStatus: 'unknown', keyHealth: null, systemFirmwareValid: null, userFirmwareValid: null, wifiCredentials: null };
    expect(step(buildPlan({ ...bare, ledPatternId: 'blinking-yellow' }), 'reflash-os').action).toBe('run');
    const inDfu = buildPlan({ ...bare, platformId: 6, mode: 'dfu', keyHealth: keyHealth(), ledPatternId: 'blinking-yellow' });
    expect(step(inDfu, 'reflash-os').action).toBe('skip');
    expect(step(inDfu, 'reflash-os').reason).toMatch(/by itself/);
  });

  it('sends network trouble to the network checklist, not to listening-mode advice', () => {
    const f = facts({ cloudStatus: 'connecting', keyHealth: null, ledPatternId: 'cyan-orange-burst-2' });
    expect(step(buildPlan(f), 'wifi').action).toBe('manual');
    expect(step(buildPlan(f), 'repair-keys').action).toBe('skip');
    expect(buildDiagnosis(f, DEVICE_ID).summary).not.toMatch(/listening/);
  });

  it('reports keys the cloud rejects even when both slots look valid', () => {
    const unhealthy = keyHealth({ healthy: false, problems: ['The cloud holds a different public key.'] }, { matchesDevicePublicKey: true });
    const diagnosis = buildDiagnosis(facts({ cloudStatus: 'connecting', keyHealth: unhealthy }), DEVICE_ID);
    expect(diagnosis.findings.find((f) => f.id === 'keys')).toMatchObject({ severity: 'error', detail: 'The cloud holds a different public key.' });
    expect(buildDiagnosis(facts({}), DEVICE_ID).findings.some((f) => f.id === 'keys')).toBe(false);
  });

  it('updates a Photon whose Device OS is too old to reach its key store, before the keys', () => {
    const unreadable = keyHealth({ dctReadable: false, healthy: false });
    const old = facts({ deviceOsVersion: '0.6.4', cloudStatus: 'disconnected', keyHealth: unreadable, systemFirmwareValid: null, mode: 'unknown' });
    const plan = buildPlan(old);
    expect(step(plan, 'reflash-os')).toMatchObject({ action: 'run' });
    expect(step(plan, 'reflash-os').reason).toMatch(/0\.6\.4 is older than 0\.7\.0/);
    expect(index(plan, 'reflash-os')).toBeLessThan(index(plan, 'repair-keys'));
    expect(buildDiagnosis(old, DEVICE_ID).summary).toBe('Device OS 0.6.4 is too old for a rescue over USB.');
    // Online, the old Device OS proves its keys work: nothing to do.
    expect(buildPlan({ ...old, cloudStatus: 'connected' }).filter((p) => p.action !== 'skip').map((p) => p.step)).toEqual(['diagnose']);
    // An Electron reads its key store without Device OS.
    expect(step(buildPlan({ ...old, platformId: 10 }), 'reflash-os').action).toBe('skip');
  });

  it('compares Device OS versions by number', () => {
    expect(olderThan('0.6.4', '0.7.0')).toBe(true);
    expect(olderThan('0.10.0', '0.7.0')).toBe(false);
    expect(olderThan('0.7.0-rc.1', '0.7.0')).toBe(false);
    expect(olderThan(null, '0.7.0')).toBe(false);
    expect(olderThan('unknown', '0.7.0')).toBe(false);
  });

  it('does not blame the network when the device itself has a fault', () => {
    const f = facts({ cloudStatus: 'connecting', keyHealth: keyHealth({ healthy: false }), ledPatternId: 'blinking-green' });
    expect(step(buildPlan(f), 'wifi').action).toBe('skip');
    expect(step(buildPlan(f), 'repair-keys').action).toBe('run');
  });

  it('names the LED pattern from the catalogue in the findings', () => {
    const diagnosis = buildDiagnosis(facts({ ledPatternId: 'breathing-cyan' }), DEVICE_ID);
    expect(diagnosis.findings[0]).toMatchObject({ source: 'led', severity: 'ok', title: 'LED: Breathing cyan' });
  });

  it('trusts a working cloud connection over an LED that points at keys', () => {
    const plan = buildPlan(facts({ keyHealth: null, ledPatternId: 'cyan-red-burst' }));
    expect(step(plan, 'repair-keys').action).toBe('skip');
  });
});

const keyHealthArb: fc.Arbitrary<KeyHealth | null> = fc.option(
  fc.record({
    healthy: fc.boolean(),
    dctReadable: fc.boolean(),
    protected: fc.boolean(),
    state: fc.constantFrom('blank', 'corrupt', 'valid', 'wrong-algorithm', 'unreadable' as const),
    server: fc.constantFrom('blank', 'genuine', 'profile', 'other', 'corrupt', 'unreadable' as const),
  }).map(({ healthy, dctReadable, protected: prot, state, server }) => {
    const h = keyHealth({ healthy, dctReadable, protected: prot }, { state });
    return { ...h, serverKey: { ...h.serverKey, state: server } };
  }),
);

const factsArb: fc.Arbitrary<PlanFacts> = fc.record({
  platformId: fc.constantFrom(null, 6, 8, 10, 12, 13, 23, 25, 26, 32, 99),
  mode: fc.constantFrom(null, 'normal', 'listening', 'safe', 'dfu', 'unknown' as const),
  ledPatternId: fc.constantFrom(null, 'no-such-pattern', ...LED_CATALOG.map((e) => e.id)),
  cloudStatus: fc.constantFrom('connected', 'connecting', 'disconnected', 'unknown' as const),
  keyHealth: keyHealthArb,
  systemFirmwareValid: fc.constantFrom(null, true, false),
  userFirmwareValid: fc.constantFrom(null, true, false),
  wifiCredentials: fc.constantFrom(null, true, false),
  protected: fc.boolean(),
  deviceOsVersion: fc.constantFrom(null, '0.6.4', '2.3.1', '6.2.0'),
});

describe('buildPlan over any combination of facts', () => {
  it('lists every wizard step once, diagnose first and verify last, each with a reason', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const plan = buildPlan(f);
        expect(new Set(plan.map((s) => s.step)).size).toBe(7);
        expect(plan[0].step).toBe('diagnose');
        expect(plan[6].step).toBe('verify');
        for (const s of plan) expect(s.reason.length).toBeGreaterThan(10);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the rules: Device OS before keys, DFU only when something is written, protection blocks writes, healthy keys are left alone', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const plan = buildPlan(f);
        const keys = step(plan, 'repair-keys');
        if (f.systemFirmwareValid === false) expect(index(plan, 'reflash-os')).toBeLessThan(index(plan, 'repair-keys'));
        if (f.keyHealth?.dctReadable && f.keyHealth.healthy) expect(keys.action).toBe('skip');
        if (f.protected || f.keyHealth?.protected) {
          for (const s of plan) if (['reflash-os', 'repair-keys', 'reflash-user'].includes(s.step)) expect(s.action).not.toBe('run');
          if (keys.action === 'manual') expect(keys.reason).toContain('Device Protection');
        }
        const writes = plan.filter((s) => ['reflash-os', 'repair-keys', 'reflash-user'].includes(s.step) && s.action === 'run');
        expect(step(plan, 'enter-dfu').action).toBe(writes.length > 0 && f.mode !== 'dfu' ? 'run' : 'skip');
        if (f.mode === 'listening' && f.wifiCredentials !== true) expect(step(plan, 'wifi').action).toBe('manual');
      }),
      { numRuns: 1000 },
    );
  });

  it('always produces a diagnosis that satisfies the contract', () => {
    fc.assert(
      fc.property(factsArb, fc.constantFrom(DEVICE_ID, null), (f, id) => {
        const diagnosis = buildDiagnosis(f, id);
        expect(DiagnosisSchema.safeParse(diagnosis).success).toBe(true);
        expect(diagnosis.summary).not.toBe('');
        expect(diagnosis.findings.some((x) => x.source === 'control')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('breathing white (the app runs with the cloud off)', () => {
  const facts = {
    platformId: 6, mode: null, ledPatternId: 'breathing-white', cloudStatus: 'unknown', keyHealth: null,
    systemFirmwareValid: null, userFirmwareValid: null, wifiCredentials: null, protected: false,
  } as const;

  it('is not a broken application: the plan never proposes to overwrite it, and says why', () => {
    const plan = buildPlan({ ...facts });
    const user = plan.find((s) => s.step === 'reflash-user')!;
    expect(user.action).toBe('skip');
    expect(user.reason).toMatch(/not broken/);
    expect(user.reason).toMatch(/MANUAL or SEMI_AUTOMATIC/);
    expect(plan.filter((s) => s.action === 'run').map((s) => s.step)).not.toContain('reflash-user');
  });

  it('a device that reports no valid application still gets one', () => {
    const plan = buildPlan({ ...facts, userFirmwareValid: false, mode: 'normal' });
    expect(plan.find((s) => s.step === 'reflash-user')!.action).toBe('run');
  });
});
