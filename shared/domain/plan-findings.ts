import type { Finding } from '../contract/diagnosis';
import type { KeyHealth } from '../contract/keys';
import type { PlanFacts } from './plan';
import type { Assessment } from './plan-assess';

const MODE_FINDINGS: Record<NonNullable<PlanFacts['mode']>, Omit<Finding, 'id' | 'source'>> = {
  normal: { severity: 'ok', title: 'Running normally', detail: 'Device OS and the application are running.' },
  listening: { severity: 'warn', title: 'Listening mode', detail: 'The device waits for network setup (blinking dark blue).' },
  safe: { severity: 'warn', title: 'Safe mode', detail: 'Device OS runs, the application does not (breathing magenta).' },
  dfu: { severity: 'info', title: 'DFU mode', detail: 'Only the bootloader runs (blinking yellow); modules and the cloud status cannot be read now.' },
  unknown: { severity: 'info', title: 'Mode unknown', detail: 'The device did not say which mode it is in.' },
};

const CLOUD_FINDINGS: Record<PlanFacts['cloudStatus'], Omit<Finding, 'id' | 'source'>> = {
  connected: { severity: 'ok', title: 'Connected to the cloud', detail: 'The device reports a completed cloud handshake.' },
  connecting: { severity: 'warn', title: 'Trying to reach the cloud', detail: 'The device is connecting but has not completed the handshake.' },
  disconnected: { severity: 'warn', title: 'Not connected to the cloud', detail: 'The device reports no cloud connection.' },
  unknown: { severity: 'info', title: 'Cloud status unknown', detail: 'The device could not be asked (DFU mode, old Device OS or not attached).' },
};

function moduleFinding(id: string, what: string, valid: boolean | null): Finding | null {
  if (valid === null) return null;
  return valid
    ? { id, source: 'modules', severity: 'ok', title: `${what} valid`, detail: `${what} passes the device’s integrity, range, platform and dependency checks.` }
    : { id, source: 'modules', severity: 'error', title: `${what} invalid`, detail: `${what} fails the device’s own checks (integrity, range, platform or dependencies).` };
}

function privateKeyFinding(health: KeyHealth): Finding {
  const pk = health.privateKey;
  const base = { id: 'private-key', source: 'dct' as const };
  if (pk.state === 'valid' && pk.matchesDevicePublicKey !== false) {
    const algorithm = pk.algorithm === 'rsa-1024' ? 'RSA-1024' : pk.algorithm === 'ec-p256' ? 'EC P-256' : 'private';
    return { ...base, severity: 'ok', title: 'Device key valid', detail: `A valid ${algorithm} key for the ${health.protocol.toUpperCase()} cloud protocol.` };
  }
  if (pk.state === 'valid') {
    return { ...base, severity: 'error', title: 'Device key mismatch', detail: 'The private key does not match the device public key the firmware recorded.' };
  }
  const words: Record<string, string> = { blank: 'empty', corrupt: 'corrupt', 'wrong-algorithm': 'of the wrong kind for this platform' };
  if (!(pk.state in words)) return { ...base, severity: 'warn', title: 'Device key not readable', detail: 'The private key slot could not be read.' };
  return { ...base, severity: 'error', title: 'Device key unusable', detail: `The private key slot is ${words[pk.state]}.` };
}

function serverKeyFinding(health: KeyHealth): Finding {
  const sk = health.serverKey;
  const base = { id: 'server-key', source: 'dct' as const };
  const address = `${sk.address.host}:${sk.address.port}`;
  switch (sk.state) {
    case 'genuine':
      return { ...base, severity: 'ok', title: 'Server key genuine', detail: `The genuine Particle Cloud key; server ${address}.` };
    case 'profile':
      return { ...base, severity: 'ok', title: 'Server key matches your cloud profile', detail: `Server ${address}.` };
    case 'blank':
      return { ...base, severity: 'info', title: 'Server key blank', detail: 'Empty: Device OS uses its built-in Particle Cloud key.' };
    case 'other':
      return { ...base, severity: 'error', title: 'Server key of another server', detail: `The key belongs to another cloud (${address}).` };
    case 'corrupt':
      return { ...base, severity: 'error', title: 'Server key corrupt', detail: 'The server key slot holds no usable key.' };
    default:
      return { ...base, severity: 'warn', title: 'Server key not readable', detail: 'The server key slot could not be read.' };
  }
}

function keyFindings(health: KeyHealth | null): Finding[] {
  if (!health) return [];
  if (!health.dctReadable) {
    return [{ id: 'dct', source: 'dct', severity: 'warn', title: 'Key store not readable', detail: health.problems[0] ?? 'The configuration area could not be read over DFU.' }];
  }
  const slots = [privateKeyFinding(health), serverKeyFinding(health)];
  // Slots that look fine can still be wrong for the cloud (it holds another public key): say so.
  if (health.verdict === 'unknown') {
    const cloud = health.questions?.find((q) => q.question === 'cloud-accepts-key');
    slots.push({ id: 'keys', source: 'dct', severity: 'warn', title: 'Cloud acceptance of the key unknown', detail: cloud?.evidence ?? health.summary });
  } else if (!health.healthy && !slots.some((f) => f.severity === 'error')) {
    slots.push({ id: 'keys', source: 'dct', severity: 'error', title: 'Keys need repair', detail: health.problems.join(' ') || 'The key health check failed.' });
  }
  return slots;
}

/** One finding per fact that was found out, so the user sees the evidence behind the summary. */
export function buildFindings(facts: PlanFacts, a: Assessment): Finding[] {
  const out: Finding[] = [];
  if (a.led) {
    out.push({
      id: 'led',
      source: 'led',
      severity: a.ledPrimary === null ? (a.led.id === 'breathing-cyan' ? 'ok' : 'info') : a.hardwareSuspected ? 'error' : 'warn',
      title: `LED: ${a.led.title}`,
      detail: a.led.meaning,
    });
  } else if (facts.ledPatternId) {
    out.push({ id: 'led', source: 'led', severity: 'info', title: 'LED pattern not recognised', detail: `"${facts.ledPatternId}" is not in the LED catalogue.` });
  }
  if (facts.mode) out.push({ id: 'mode', source: 'usb', ...MODE_FINDINGS[facts.mode] });
  out.push({ id: 'cloud', source: 'control', ...CLOUD_FINDINGS[facts.cloudStatus] });
  for (const f of [moduleFinding('system-firmware', 'Device OS', facts.systemFirmwareValid), moduleFinding('user-firmware', 'Application', facts.userFirmwareValid)]) {
    if (f) out.push(f);
  }
  out.push(...keyFindings(facts.keyHealth));
  if (a.protected) {
    out.push({ id: 'protected', source: 'dct', severity: 'warn', title: 'Device Protection on', detail: 'Keys and firmware cannot be written over USB until the product owner unlocks the device.' });
  }
  if (facts.wifiCredentials === false) {
    out.push({ id: 'wifi', source: 'control', severity: 'warn', title: 'No Wi-Fi credentials', detail: 'The device has no stored Wi-Fi network.' });
  }
  return out;
}
