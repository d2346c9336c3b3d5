/**
 * Every status LED pattern the diagnose step offers, in our own words.
 * Facts (colours, periods, bursts, SOS codes): ../shared/reference/led-status.md.
 * Pure data + helpers: no DOM, no Node, so the renderer, the diagnosis service and the CLI share it.
 */

export type LedPatternKind = 'solid' | 'blink' | 'breathe' | 'off' | 'sos' | 'rainbow';

export type RepairSuggestion =
  | 'repair-keys'
  | 'server-key'
  | 'reflash-os'
  | 'reflash-user'
  | 'wifi'
  | 'safe-mode'
  | 'none'
  | 'hardware';

export interface LedCatalogEntry {
  id: string;
  group: string;
  title: string;
  /** #rrggbb at full scale (real LEDs run at ~96/255 brightness and look dimmer). */
  color: string;
  pattern: LedPatternKind;
  /** Full cycle of the base pattern; 0 for solid/off. */
  periodMs: number;
  /** Error flashes shown between cloud connection attempts, then back to the base pattern. */
  burst: { color: string; count: number } | null;
  sosCode: number | null;
  meaning: string;
  causes: string[];
  remedy: string;
  suggests: RepairSuggestion[];
}

export const LED_COLORS = {
  red: '#ff0000',
  green: '#00ff00',
  blue: '#0000ff',
  yellow: '#ffff00',
  cyan: '#00ffff',
  magenta: '#ff00ff',
  white: '#ffffff',
  orange: '#ff6000',
  gray: '#1f1f1f',
} as const;

/** Device OS periods (system_led_signal): blink slow/normal/fast and breathe normal/fast. */
export const LED_PERIODS = {
  blinkSlow: 500,
  blinkNormal: 200,
  blinkFast: 100,
  breatheNormal: 4000,
  breatheFast: 1000,
} as const;

export const LED_GROUPS = [
  'Connected / normal',
  'Connecting',
  'Cloud errors (bursts)',
  'Modes',
  'Faults',
  'Tracker One',
] as const;
export type LedGroup = (typeof LED_GROUPS)[number];

const C = LED_COLORS;
const P = LED_PERIODS;

type EntryInput = Omit<LedCatalogEntry, 'burst' | 'sosCode' | 'periodMs'> &
  Partial<Pick<LedCatalogEntry, 'burst' | 'sosCode' | 'periodMs'>>;

function entry(input: EntryInput): LedCatalogEntry {
  return { periodMs: 0, burst: null, sosCode: null, ...input };
}

function cyanBurst(id: string, color: string, count: number, rest: Pick<LedCatalogEntry, 'title' | 'meaning' | 'causes' | 'remedy' | 'suggests'>): LedCatalogEntry {
  return entry({ id, group: 'Cloud errors (bursts)', color: C.cyan, pattern: 'blink', periodMs: P.blinkNormal, burst: { color, count }, ...rest });
}

const SAFE_MODE_REMEDY =
  'Start the device in safe mode (hold MODE, tap RESET, let go on magenta) so the cloud can reach it, then flash Tinker or a fixed app.';

const BASE: LedCatalogEntry[] = [
  // Connected / normal
  entry({
    id: 'breathing-cyan', group: 'Connected / normal', title: 'Breathing cyan', color: C.cyan, pattern: 'breathe', periodMs: P.breatheNormal,
    meaning: 'The device is online with the Particle Cloud. This is the healthy state.',
    causes: ['Normal operation.'],
    remedy: 'Nothing to repair. If the console still shows it offline, run the verify step to measure the cloud status.',
    suggests: ['none'],
  }),
  entry({
    id: 'breathing-white', group: 'Connected / normal', title: 'Breathing white', color: C.white, pattern: 'breathe', periodMs: P.breatheNormal,
    meaning: 'The application is running with the cloud off: MANUAL or SEMI_AUTOMATIC system mode, or the radio switched off. This is not a broken application.',
    causes: ['The app uses MANUAL or SEMI_AUTOMATIC system mode and never connects.', 'The app turns Wi-Fi or cellular off.', 'Right after a USB Device OS update: mismatched system parts (rare).'],
    remedy: 'Not a fault by itself, and nothing needs to be overwritten. To reach the cloud, start in safe mode (breathing magenta) or let the app connect; only if it started right after a Device OS update, reinstall Device OS.',
    suggests: ['safe-mode', 'reflash-user'],
  }),
  entry({
    id: 'breathing-blue', group: 'Connected / normal', title: 'Breathing dark blue', color: C.blue, pattern: 'breathe', periodMs: P.breatheNormal,
    meaning: 'The radio is on but the device has not joined a network.',
    causes: ['The app turned the radio on without asking it to connect (MANUAL or SEMI_AUTOMATIC mode).', 'A radio module that never joins can look like this.'],
    remedy: 'Usually the application is in charge. Use safe mode to reach the cloud and flash a fixed app; update Device OS if the radio seems stuck.',
    suggests: ['safe-mode', 'reflash-user'],
  }),
  entry({
    id: 'breathing-green', group: 'Connected / normal', title: 'Breathing green', color: C.green, pattern: 'breathe', periodMs: P.breatheNormal,
    meaning: 'On the network, but not talking to the Particle Cloud.',
    causes: ['The app blocks its main loop without a system thread, so the cloud connection starves (cyan turns green about 10 s after boot).', 'An app that only uses the network on purpose.'],
    remedy: SAFE_MODE_REMEDY + ' In the app, enable the system thread or let the loop return often.',
    suggests: ['safe-mode', 'reflash-user'],
  }),
  entry({
    id: 'rainbow', group: 'Connected / normal', title: 'Rainbow', color: C.magenta, pattern: 'rainbow', periodMs: 700,
    meaning: 'Someone asked the device to identify itself ("signal" / "nyan").',
    causes: ['A signal request from the console, the CLI or the Web IDE.'],
    remedy: 'Nothing to repair. It stops when the signal is turned off.',
    suggests: ['none'],
  }),
  entry({
    id: 'signal-strength', group: 'Connected / normal', title: 'Green pulses after a MODE tap', color: C.green, pattern: 'blink', periodMs: 600,
    meaning: 'The device is showing its signal strength as bars (Gen 3 and later).',
    causes: ['A single tap on MODE.'],
    remedy: 'Nothing to repair.',
    suggests: ['none'],
  }),
  entry({
    id: 'power-off', group: 'Connected / normal', title: 'Dim / soft power off', color: C.gray, pattern: 'solid',
    meaning: 'The device is in soft power off (after a double tap on MODE).',
    causes: ['Double tap on MODE (Gen 3, Gen 4 and Electron).'],
    remedy: 'Press RESET to wake it up.',
    suggests: ['none'],
  }),
  // Connecting
  entry({
    id: 'blinking-green', group: 'Connecting', title: 'Blinking green', color: C.green, pattern: 'blink', periodMs: P.blinkNormal,
    meaning: 'Trying to join the Wi-Fi or cellular network. If it never stops, the network refuses the device.',
    causes: ['Wrong Wi-Fi password, 5 GHz-only or enterprise network, captive portal, MAC filter.', 'Cellular: SIM not active, antenna or battery missing, no local carrier (wait at least 10 minutes first).'],
    remedy: 'Re-enter the Wi-Fi credentials and try a phone hotspot to tell network faults from device faults. Cellular: check the SIM in the console, attach antenna and battery.',
    suggests: ['wifi'],
  }),
  entry({
    id: 'fast-blinking-green', group: 'Connecting', title: 'Fast blinking green', color: C.green, pattern: 'blink', periodMs: P.blinkFast,
    meaning: 'Joined the network, waiting for an IP address (DHCP).',
    causes: ['The router has no free addresses left (common at classes and hackathons).'],
    remedy: 'Check the router or try another network. The device itself is fine.',
    suggests: ['wifi'],
  }),
  entry({
    id: 'blinking-cyan', group: 'Connecting', title: 'Blinking cyan', color: C.cyan, pattern: 'blink', periodMs: P.blinkNormal,
    meaning: 'On the network and connecting to the Particle Cloud.',
    causes: ['Normal for a few seconds.', 'Minutes of it: the device backs off after failed attempts, or a firewall blocks the cloud port.'],
    remedy: 'Wait a few minutes. If it never reaches breathing cyan, look for colour bursts between the cyan blinks and pick that pattern instead.',
    suggests: ['none'],
  }),
  entry({
    id: 'fast-blinking-cyan', group: 'Connecting', title: 'Fast blinking cyan', color: C.cyan, pattern: 'blink', periodMs: P.blinkFast,
    meaning: 'The secure handshake with the cloud is in progress.',
    causes: ['Normal for a moment before breathing cyan.'],
    remedy: 'Nothing to do unless it repeats forever; then look for red or orange flashes.',
    suggests: ['none'],
  }),
  entry({
    id: 'white-green-loop', group: 'Connecting', title: 'White flash, then green, over and over', color: C.green, pattern: 'blink', periodMs: P.blinkNormal,
    burst: { color: C.white, count: 1 },
    meaning: 'The device reboots every time the radio starts: a brown-out.',
    causes: ['The USB port or cable cannot supply the current the radio needs (mostly cellular devices).'],
    remedy: 'Use a stronger USB supply or cable and attach a LiPo battery.',
    suggests: ['hardware'],
  }),
  // Cloud errors
  cyanBurst('cyan-orange-burst-1', C.orange, 1, {
    title: 'Cyan with 1 orange flash',
    meaning: 'The cloud could not decrypt the handshake: the device key and the key the cloud holds do not match.',
    causes: ['The device made itself a new key after its configuration area was damaged or erased.'],
    remedy: 'Repair the keys: write a fresh device key and register it with the cloud.',
    suggests: ['repair-keys'],
  }),
  cyanBurst('cyan-orange-burst-2', C.orange, 2, {
    title: 'Cyan with 2 orange flashes',
    meaning: 'The device reached the network but not the internet.',
    causes: ['The access point has no internet, DNS is broken, or a captive portal wants a login.'],
    remedy: 'Fix the network (try a phone hotspot). This is not a key problem.',
    suggests: ['wifi'],
  }),
  cyanBurst('cyan-orange-burst-3', C.orange, 3, {
    title: 'Cyan with 3 orange flashes',
    meaning: 'The internet works but the Particle Cloud cannot be reached.',
    causes: ['A firewall blocks the cloud port.', 'The server address or server key in the device is wrong.', 'A cloud outage.'],
    remedy: 'Rewrite the server key and address, then check the firewall and the Particle status page.',
    suggests: ['server-key'],
  }),
  cyanBurst('cyan-magenta-burst', C.magenta, 1, {
    title: 'Cyan with 1 magenta flash',
    meaning: 'The cloud authentication failed.',
    causes: ['The server public key stored in the device is wrong or damaged.'],
    remedy: 'Rewrite the server key, then repair the device key.',
    suggests: ['server-key', 'repair-keys'],
  }),
  cyanBurst('cyan-red-burst', C.red, 1, {
    title: 'Cyan with rapid red flashes',
    meaning: 'The cloud handshake fails: the keys do not match.',
    causes: ['The device key, the server key or both are wrong (typical after a bad flash or configuration loss).'],
    remedy: 'Rewrite the server key, then repair the device key in DFU mode and register it with the cloud.',
    suggests: ['server-key', 'repair-keys'],
  }),
  // Modes
  entry({
    id: 'blinking-blue', group: 'Modes', title: 'Blinking dark blue', color: C.blue, pattern: 'blink', periodMs: P.blinkSlow,
    meaning: 'Listening mode: the device waits for Wi-Fi credentials or setup.',
    causes: ['No Wi-Fi credentials stored (network reset, configuration loss or a flash that erased them).', 'Electron: the SIM is missing or loose.', 'Gen 3 on older Device OS: setup was never marked done.', 'MODE was held for 3 seconds.'],
    remedy: 'Give it Wi-Fi credentials again. If it comes back after every flash, its configuration area is being lost: check it and repair the keys.',
    suggests: ['wifi'],
  }),
  entry({
    id: 'fast-blinking-blue', group: 'Modes', title: 'Fast blinking blue', color: C.blue, pattern: 'blink', periodMs: P.blinkFast,
    meaning: 'Network settings are being erased (MODE was held for about 10 more seconds).',
    causes: ['A long press on MODE.'],
    remedy: 'Expect listening mode next and set up the network again.',
    suggests: ['wifi'],
  }),
  entry({
    id: 'breathing-magenta', group: 'Modes', title: 'Breathing magenta', color: C.magenta, pattern: 'breathe', periodMs: P.breatheNormal,
    meaning: 'Safe mode: Device OS runs and connects, the application does not.',
    causes: ['Entered on purpose (MODE + RESET, or from the CLI).', 'The application is missing, damaged, or needs a newer Device OS.'],
    remedy: 'A good base for recovery: flash Tinker or a fixed app, or reflash Device OS if the app needs a newer one.',
    suggests: ['reflash-user', 'reflash-os'],
  }),
  entry({
    id: 'blinking-magenta', group: 'Modes', title: 'Blinking magenta', color: C.magenta, pattern: 'blink', periodMs: P.blinkFast,
    meaning: 'Firmware is being received or applied. During a MODE + RESET boot it means "let go now for safe mode".',
    causes: ['An over-the-air or USB update, including the automatic Device OS update on first connect.'],
    remedy: 'Wait and do not unplug the device.',
    suggests: ['none'],
  }),
  entry({
    id: 'solid-magenta', group: 'Modes', title: 'Solid magenta', color: C.magenta, pattern: 'solid',
    meaning: 'A serial (YMODEM) flash is in progress.',
    causes: ['A serial firmware update from a computer.'],
    remedy: 'Wait until it finishes.',
    suggests: ['none'],
  }),
  entry({
    id: 'blinking-yellow', group: 'Modes', title: 'Blinking yellow', color: C.yellow, pattern: 'blink', periodMs: P.blinkNormal,
    meaning: 'DFU mode: the bootloader waits for firmware over USB. Neither Device OS nor the app run.',
    causes: ['Entered on purpose for flashing or key repair.', 'The bootloader found no valid firmware and stayed here by itself.'],
    remedy: 'This is the state for reflashing and key repair. If it happens on its own, reflash Device OS.',
    suggests: ['reflash-os'],
  }),
  entry({
    id: 'fast-blinking-yellow', group: 'Modes', title: 'Fast blinking yellow', color: C.yellow, pattern: 'blink', periodMs: P.blinkFast,
    meaning: 'Release MODE now to restore the backup (factory) application (Argon, Boron).',
    causes: ['MODE held past DFU during a MODE + RESET boot.'],
    remedy: 'Release only if a backup app was flashed; otherwise keep going or reset.',
    suggests: ['none'],
  }),
  entry({
    id: 'fast-blinking-white', group: 'Modes', title: 'Fast blinking white', color: C.white, pattern: 'blink', periodMs: P.blinkFast,
    meaning: 'Release MODE now for a factory reset (Gen 3): backup app back, network settings cleared.',
    causes: ['MODE held even longer during a MODE + RESET boot.'],
    remedy: 'Rarely useful. Reset instead unless you mean to clear the device.',
    suggests: ['none'],
  }),
  // Faults
  entry({
    id: 'sos', group: 'Faults', title: 'Red SOS', color: C.red, pattern: 'sos', periodMs: 0,
    meaning: 'The firmware crashed (panic). The device shows SOS, a count of slow red blinks, SOS again, then resets.',
    causes: ['Usually a bug in the application; count the slow blinks between the SOS signals for the exact fault.'],
    remedy: 'Start in safe mode and flash Tinker. If safe mode is impossible, use DFU mode to reflash Device OS and then the app.',
    suggests: ['safe-mode', 'reflash-user', 'reflash-os'],
  }),
  entry({
    id: 'solid-frozen', group: 'Faults', title: 'Frozen solid colour', color: C.cyan, pattern: 'solid',
    meaning: 'The LED stopped changing: the code hung with interrupts off.',
    causes: ['A bug in the application.'],
    remedy: 'Reset; if it freezes again, start in safe mode and flash Tinker.',
    suggests: ['safe-mode', 'reflash-user'],
  }),
  entry({
    id: 'off', group: 'Faults', title: 'No status LED at all', color: C.gray, pattern: 'off',
    meaning: 'Nothing lights up. On Gen 3/4 this can mean the bootloader is missing.',
    causes: ['No power, a failed bootloader flash or flash damage.'],
    remedy: 'Check the cable. Unplug, hold MODE while plugging USB in; if nothing changes, only a debugger (SWD/JTAG) can restore it.',
    suggests: ['hardware'],
  }),
  entry({
    id: 'dim-d7', group: 'Faults', title: 'No status LED, blue D7 dimly on', color: C.blue, pattern: 'off',
    meaning: 'The bootloader is missing or damaged (Photon, P1, Electron).',
    causes: ['A failed bootloader flash or flash damage.'],
    remedy: 'USB cannot fix this. Restore the bootloader with a debugger (SWD/JTAG).',
    suggests: ['hardware'],
  }),
  entry({
    id: 'white-d7-loop', group: 'Faults', title: 'White flash alternating with D7, every second', color: C.white, pattern: 'blink', periodMs: 1000,
    meaning: 'Reset loop from a damaged configuration area (early Photon firmware).',
    causes: ['Configuration damage after a factory reset on very old Device OS.'],
    remedy: 'Rewrite the configuration and bootloader with a debugger.',
    suggests: ['hardware'],
  }),
  // Tracker One default scheme
  entry({
    id: 'tracker-fast-breathing-red', group: 'Tracker One', title: 'Fast breathing red', color: C.red, pattern: 'breathe', periodMs: P.breatheFast,
    meaning: 'Tracker: connecting to the cellular network.',
    causes: ['Normal at start; for long periods: weak signal or SIM problems.'],
    remedy: 'Wait up to 10 minutes; check antenna and SIM.',
    suggests: ['none'],
  }),
  entry({
    id: 'tracker-breathing-green', group: 'Tracker One', title: 'Breathing green or yellow', color: C.green, pattern: 'breathe', periodMs: P.breatheNormal,
    meaning: 'Tracker: on the cellular network, connecting to the cloud (yellow = weaker signal).',
    causes: ['Normal while connecting.'],
    remedy: 'Wait; if it never turns solid, treat it like blinking cyan.',
    suggests: ['none'],
  }),
  entry({
    id: 'tracker-solid-green', group: 'Tracker One', title: 'Solid green or yellow', color: C.green, pattern: 'solid',
    meaning: 'Tracker: connected to the cloud (yellow = weaker signal).',
    causes: ['Normal operation.'],
    remedy: 'Nothing to repair.',
    suggests: ['none'],
  }),
];

/** SOS panic codes 1–15: the fault name and what usually causes it. */
export const SOS_CODES: ReadonlyArray<{ code: number; fault: string; cause: string }> = [
  { code: 1, fault: 'Hard fault', cause: 'A bad pointer or memory corruption in the app, or using Wire before Wire.begin().' },
  { code: 2, fault: 'Non-maskable interrupt fault', cause: 'A low-level fault.' },
  { code: 3, fault: 'Memory manager fault', cause: 'A low-level memory access fault.' },
  { code: 4, fault: 'Bus fault', cause: 'A low-level bus access fault.' },
  { code: 5, fault: 'Usage fault', cause: 'An invalid instruction or state.' },
  { code: 6, fault: 'Invalid length', cause: 'A cloud message with a bad length.' },
  { code: 7, fault: 'Exit', cause: 'abort() or exit() was called, often by a C++ exception inside a library.' },
  { code: 8, fault: 'Out of heap memory', cause: 'The app allocates more memory than there is.' },
  { code: 9, fault: 'SPI over-run', cause: 'SPI data arrived faster than it was read.' },
  { code: 10, fault: 'Assertion failure', cause: 'An internal Device OS check failed; updating Device OS usually helps.' },
  { code: 11, fault: 'Invalid case', cause: 'An internal Device OS error.' },
  { code: 12, fault: 'Pure virtual call', cause: 'A C++ object used after it was destroyed.' },
  { code: 13, fault: 'Stack overflow', cause: 'Large local variables; the loop stack is 6 KB, timer callbacks 1 KB.' },
  { code: 14, fault: 'Heap error', cause: 'A lock held too long (60 s) or memory allocated inside an interrupt.' },
  { code: 15, fault: 'Security fault', cause: 'The app touched protected memory, usually through a wild pointer.' },
];

function sosEntry(code: number, fault: string, cause: string): LedCatalogEntry {
  const osIssue = code === 10 || code === 11;
  return entry({
    id: `sos-${code}`, group: 'Faults', title: `Red SOS, ${code} blink${code === 1 ? '' : 's'}: ${fault.toLowerCase()}`, color: C.red, pattern: 'sos', sosCode: code,
    meaning: `The firmware crashed with panic code ${code} (${fault}), then the device resets.`,
    causes: [cause],
    remedy: osIssue
      ? 'Update Device OS from DFU mode, then reflash the app.'
      : 'Start in safe mode and flash Tinker, then fix the app. If safe mode is impossible, reflash from DFU mode.',
    suggests: osIssue ? ['reflash-os', 'reflash-user'] : ['safe-mode', 'reflash-user'],
  });
}

export const LED_CATALOG: LedCatalogEntry[] = [...BASE, ...SOS_CODES.map((s) => sosEntry(s.code, s.fault, s.cause))];

const byId = new Map(LED_CATALOG.map((e) => [e.id, e]));

export function findLedPattern(id: string): LedCatalogEntry | undefined {
  return byId.get(id);
}

/** The SOS entry for a counted code, falling back to the generic SOS. */
export function sosPattern(code: number | null): LedCatalogEntry {
  return (code !== null ? byId.get(`sos-${code}`) : undefined) ?? (byId.get('sos') as LedCatalogEntry);
}

/** Entries grouped for the picker, in LED_GROUPS order; the numbered SOS variants stay behind 'sos'. */
export function ledPickerGroups(): { group: LedGroup; entries: LedCatalogEntry[] }[] {
  return LED_GROUPS.map((group) => ({
    group,
    entries: LED_CATALOG.filter((e) => e.group === group && !(e.pattern === 'sos' && e.sosCode !== null)),
  }));
}
