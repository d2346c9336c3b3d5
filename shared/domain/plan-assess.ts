import { platformsById } from '@particle/device-constants';
import { findLedPattern, type LedCatalogEntry, type RepairSuggestion } from './led-catalog';
import type { PlanFacts } from './plan';

export type KeyVerdict = 'healthy' | 'broken' | 'unknown';

/** The facts turned into the handful of yes/no questions the plan and the story are built from. */
export interface Assessment {
  network: 'wifi' | 'cellular' | 'unknown';
  generation: number | null;
  led: LedCatalogEntry | null;
  /** The LED's most likely remedy (its first suggestion that is an action). */
  ledPrimary: RepairSuggestion | null;
  protected: boolean;
  keys: KeyVerdict;
  needsKeyRepair: boolean;
  systemBroken: boolean;
  /** Photon/P1 Device OS too old for the bootloader to reach the key store (and not online to prove the keys). */
  systemOutdated: boolean;
  /** Device OS is dealt with before the keys. */
  osFirst: boolean;
  userBroken: boolean;
  /** Listening mode without credentials (or no credentials at all): the user must hand them over. */
  needsNetworkSetup: boolean;
  /** The LED points at the network itself (cannot join, no internet) rather than missing credentials. */
  networkSuspect: boolean;
  hardwareSuspected: boolean;
  connected: boolean;
  /** Breathing white: the application runs with the cloud off on purpose; not a broken application. */
  cloudOffByApp: boolean;
}

/** The application runs and keeps the radio or the cloud off (MANUAL / SEMI_AUTOMATIC, Wi-Fi off). */
const CLOUD_OFF_LEDS = new Set(['breathing-white']);

/** Patterns that mean listening mode (../shared/reference/led-status.md §4.1 #5, #6). */
const LISTENING_LEDS = new Set(['blinking-blue', 'fast-blinking-blue']);

interface RawPlatform {
  generation: number;
  features: string[];
}

export function platformTraits(platformId: number | null): { network: Assessment['network']; generation: number | null } {
  const raw = platformId === null ? undefined : (platformsById[platformId] as RawPlatform | undefined);
  if (!raw) return { network: 'unknown', generation: null };
  const network = raw.features.includes('wifi') ? 'wifi' : raw.features.includes('cellular') ? 'cellular' : 'unknown';
  return { network, generation: raw.generation };
}

function keyVerdict(facts: PlanFacts): KeyVerdict {
  const health = facts.keyHealth;
  if (!health || !health.dctReadable) return 'unknown';
  // Intact slots whose acceptance by the cloud could not be proven are not healthy (issue 17).
  if (health.verdict === 'unknown') return 'unknown';
  return health.healthy ? 'healthy' : 'broken';
}

/**
 * Photon/P1 bootloaders read the key store through system part 2, which supports it from 0.7.0-rc.1
 * on (dfu-dfuse.md §6).
 */
export const MIN_DCT_VERSION = '0.7.0';
const DCT_VIA_SYSTEM_PART = new Set([6, 8]);

/** Numeric comparison of the x.y.z part of a Device OS version; null when there is nothing to compare. */
export function olderThan(version: string | null | undefined, than: string): boolean {
  const parse = (v: string): number[] | null => /^(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1).map(Number) ?? null;
  const a = version ? parse(version) : null;
  const b = parse(than);
  if (!a || !b) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** Device OS evidently runs in these modes, so an LED cannot overrule that it is there. */
const deviceOsRuns = (mode: PlanFacts['mode']): boolean => mode === 'normal' || mode === 'listening' || mode === 'safe';

export function assess(facts: PlanFacts): Assessment {
  const { network, generation } = platformTraits(facts.platformId);
  const led = facts.ledPatternId ? (findLedPattern(facts.ledPatternId) ?? null) : null;
  const suggests = new Set(led?.suggests ?? []);
  const ledPrimary = led?.suggests.find((s) => s !== 'none' && s !== 'safe-mode') ?? null;
  const keys = keyVerdict(facts);
  const connected = facts.cloudStatus === 'connected' || (facts.cloudStatus === 'unknown' && led?.id === 'breathing-cyan');
  // In DFU mode the modules cannot be read; blinking yellow there is most often the user's own doing.
  const systemBroken =
    facts.systemFirmwareValid === false ||
    (facts.systemFirmwareValid === null && facts.mode !== 'dfu' && !deviceOsRuns(facts.mode) && ledPrimary === 'reflash-os');
  const cloudOffByApp = CLOUD_OFF_LEDS.has(led?.id ?? '') && facts.mode !== 'safe' && facts.userFirmwareValid !== false;
  // An app that runs with the cloud off is working as written: the LED alone never calls it broken.
  const userBroken =
    facts.userFirmwareValid === false ||
    (facts.userFirmwareValid !== true && (facts.mode === 'safe' || (!connected && !cloudOffByApp && suggests.has('reflash-user'))));
  const listening = facts.mode === 'listening' || (facts.mode === null && LISTENING_LEDS.has(led?.id ?? ''));
  const needsNetworkSetup = facts.wifiCredentials === false || (listening && facts.wifiCredentials !== true);
  const ledPointsAtKeys = suggests.has('repair-keys') || suggests.has('server-key');
  // A device that reaches the cloud has working keys, whatever the LED the user picked says.
  const systemOutdated =
    !connected && !systemBroken && DCT_VIA_SYSTEM_PART.has(facts.platformId ?? -1) && olderThan(facts.deviceOsVersion, MIN_DCT_VERSION);
  const osFirst = systemBroken || systemOutdated;
  // Found in DFU mode with slots read and intact but unproven: the repair watches the cloud link first and writes only on a refusal.
  const unproven = facts.mode === 'dfu' && facts.keyHealth?.verdict === 'unknown' && facts.keyHealth.dctReadable;
  const needsKeyRepair = keys === 'broken' || (keys === 'unknown' && !connected && (ledPointsAtKeys || osFirst || unproven));
  return {
    network,
    generation,
    led,
    ledPrimary,
    protected: facts.protected || facts.keyHealth?.protected === true,
    keys,
    needsKeyRepair,
    systemBroken,
    systemOutdated,
    osFirst,
    userBroken,
    needsNetworkSetup,
    // A fault found on the device explains a stuck connection better than an LED seen mid-boot.
    networkSuspect: !needsNetworkSetup && !connected && ledPrimary === 'wifi' && !needsKeyRepair && !osFirst,
    hardwareSuspected: ledPrimary === 'hardware',
    connected,
    cloudOffByApp,
  };
}
