import type { Diagnosis, PlanStep, WizardStepId } from '../contract/diagnosis';
import type { KeyHealth } from '../contract/keys';
import type { DeviceMode } from './device';
import { assess, MIN_DCT_VERSION, type Assessment } from './plan-assess';
import { buildFindings } from './plan-findings';
import { networkAdvice } from './plan-advice';
import { tellStory } from './plan-story';

/** Everything the diagnose step learned (null = could not be found out). */
export interface PlanFacts {
  platformId: number | null;
  mode: DeviceMode | null;
  ledPatternId: string | null;
  cloudStatus: 'connected' | 'connecting' | 'disconnected' | 'unknown';
  keyHealth: KeyHealth | null;
  systemFirmwareValid: boolean | null;
  userFirmwareValid: boolean | null;
  wifiCredentials: boolean | null;
  protected: boolean;
  /** The version the device reports, when it could be asked. */
  deviceOsVersion?: string | null;
}

export const DEVICE_PROTECTION_EXPLANATION =
  'This device has Device Protection turned on. Protection blocks writing keys and firmware over USB — for this app and ' +
  'for the Particle CLI alike — so a stolen or borrowed device cannot be tampered with. The product owner can unlock ' +
  'it for service in the Particle Console (the product’s Devices page → the device → Device Protection / Service Mode); ' +
  'repair it then, and protect it again afterwards.';

const TITLES: Record<WizardStepId, string> = {
  diagnose: 'Diagnose',
  'enter-dfu': 'Enter DFU mode',
  'reflash-os': 'Reinstall Device OS',
  'repair-keys': 'Repair the cloud keys',
  'reflash-user': 'Reinstall the application',
  wifi: 'Connect to Wi-Fi',
  verify: 'Verify the cloud connection',
};

type Decision = Pick<PlanStep, 'action' | 'reason'>;

const run = (reason: string): Decision => ({ action: 'run', reason });
const skip = (reason: string): Decision => ({ action: 'skip', reason });
const manual = (reason: string): Decision => ({ action: 'manual', reason });

function reflashOs(facts: PlanFacts, a: Assessment): Decision {
  if (a.systemOutdated) {
    const why = `Device OS ${facts.deviceOsVersion} is older than ${MIN_DCT_VERSION}: until it is updated the key store cannot be read over USB. Updating keeps keys and Wi-Fi settings.`;
    return a.protected ? manual(`${why} ${DEVICE_PROTECTION_EXPLANATION}`) : run(why);
  }
  if (!a.systemBroken) {
    if (facts.systemFirmwareValid === true) return skip('Device OS is installed and passes its own checks.');
    return facts.mode === 'dfu'
      ? skip('Device OS cannot be checked in DFU mode. If the device went into DFU mode by itself (no buttons pressed), reinstall Device OS.')
      : skip('Device OS could not be checked and nothing points at it.');
  }
  if (a.protected) return manual(`Device OS has to be reinstalled, but ${DEVICE_PROTECTION_EXPLANATION}`);
  return run('Device OS is missing or damaged: it is reinstalled first, because everything else depends on it.');
}

function repairKeys(facts: PlanFacts, a: Assessment): Decision {
  if (a.keys === 'healthy') return skip('The device key and the server key are healthy.');
  if (!a.needsKeyRepair) {
    return a.connected
      ? skip('The device reaches the Particle Cloud, so its keys work.')
      : skip('Nothing points at the keys; the key store was not read.');
  }
  if (a.protected) return manual(DEVICE_PROTECTION_EXPLANATION);
  if (a.keys === 'broken') {
    const problems = facts.keyHealth?.problems.join(' ') ?? '';
    return run(`The keys need repair: ${problems || 'the key store failed its health check.'} A backup is taken before anything is written.`);
  }
  if (a.osFirst && a.generation === 2) {
    return run('The key store cannot be read over DFU until Device OS is reinstalled; it is checked then and repaired only if needed.');
  }
  if (facts.keyHealth?.verdict === 'unknown' && facts.keyHealth.dctReadable && !a.led?.suggests.includes('repair-keys')) {
    return run(
      'The key slots look intact, but whether the cloud accepts the device key could not be checked. The repair lets the device boot to watch its cloud link first and writes a new key only if the cloud refuses it (after a backup); if nothing can be seen, it asks.',
    );
  }
  return run('The LED points at a key problem. The key store is checked first and written only if it is wrong, after a backup.');
}

/** Breathing white is the user's own application at work, so the wizard leaves it in place. */
export const CLOUD_OFF_EXPLANATION =
  'Breathing white means your application is running with the cloud off on purpose (MANUAL or SEMI_AUTOMATIC system mode, or the radio ' +
  'switched off). It is not broken, and the wizard does not overwrite it. To reach the cloud anyway, start the device in safe mode ' +
  '(breathing magenta) or change the application to connect.';

function reflashUser(facts: PlanFacts, a: Assessment): Decision {
  if (!a.userBroken && a.cloudOffByApp) return skip(CLOUD_OFF_EXPLANATION);
  if (!a.userBroken) {
    return facts.userFirmwareValid === true ? skip('The application is installed and valid.') : skip('Nothing points at the application.');
  }
  if (a.protected) return manual(`The application has to be reinstalled, but ${DEVICE_PROTECTION_EXPLANATION}`);
  if (facts.userFirmwareValid === false) return run('The application is missing or invalid: install your own firmware or Tinker.');
  return run('The device does not run its application (safe mode or a crash): install a known-good application such as Tinker, then fix yours.');
}

function wifi(facts: PlanFacts, a: Assessment): Decision {
  if (a.networkSuspect && a.led) return manual(`The LED points at the network rather than the device. ${a.led.remedy}`);
  if (!a.needsNetworkSetup) {
    if (a.network === 'cellular') return skip('Cellular device: no Wi-Fi to set up.');
    return facts.wifiCredentials === true ? skip('Wi-Fi credentials are stored.') : skip('Nothing points at missing Wi-Fi credentials.');
  }
  return manual(networkAdvice(a));
}

function enterDfu(facts: PlanFacts, steps: Decision[]): Decision {
  if (!steps.some((s) => s.action === 'run')) return skip('No step needs DFU mode.');
  if (facts.mode === 'dfu') return skip('The device is already in DFU mode (blinking yellow).');
  return run('Repairs are written in DFU mode (blinking yellow). The app switches the device over USB; if that fails it shows the button sequence.');
}

function verify(a: Assessment, steps: Decision[]): Decision {
  const nothingToDo = steps.every((s) => s.action === 'skip');
  if (nothingToDo && a.connected) return skip('Already connected to the Particle Cloud (breathing cyan): nothing to verify.');
  return run('Waits until the device reports a cloud connection (breathing cyan) and, when you are logged in, the cloud sees it online.');
}

/**
 * The wizard plan: every step is listed, with run / skip / manual and why. Broken Device OS comes
 * before the keys: on Gen 2 the key store is not reachable over DFU without a valid system part, and on
 * every platform a key written under a broken Device OS cannot be proven by a cloud connection.
 */
export function buildPlan(facts: PlanFacts): PlanStep[] {
  const a = assess(facts);
  const os = reflashOs(facts, a);
  const keys = repairKeys(facts, a);
  const user = reflashUser(facts, a);
  const net = wifi(facts, a);
  const writes = [os, keys, user];
  const middle: [WizardStepId, Decision][] = a.osFirst
    ? [['reflash-os', os], ['repair-keys', keys]]
    : [['repair-keys', keys], ['reflash-os', os]];
  const ordered: [WizardStepId, Decision][] = [
    ['diagnose', run('Reads mode, Device OS, modules, the key store and the cloud status without changing anything.')],
    ['enter-dfu', enterDfu(facts, writes)],
    ...middle,
    ['reflash-user', user],
    ['wifi', net],
    ['verify', verify(a, [...writes, net])],
  ];
  return ordered.map(([step, d]) => ({ step, title: step === 'wifi' && a.network === 'cellular' ? 'Check the cellular connection' : TITLES[step], ...d }));
}

export function buildDiagnosis(facts: PlanFacts, deviceId: string | null): Diagnosis {
  const a = assess(facts);
  return { deviceId, ...tellStory(facts, a), findings: buildFindings(facts, a), plan: buildPlan(facts) };
}
