import type { LedState } from '../../../shared/domain/led';

/** Device OS default theme and cloud-error bursts (led-status.md §1, §2, §4.3). */
const CYAN = '#00ffff';
const RED = '#ff0000';
const ORANGE = '#ff6000';
const MAGENTA = '#ff00ff';

const CATALOGUE = {
  'breathing-cyan': { color: CYAN, pattern: 'breathe', periodMs: 4000, burst: null, description: 'Connected to the Particle Cloud.' },
  'blinking-cyan': { color: CYAN, pattern: 'blink', periodMs: 200, burst: null, description: 'Connecting to the cloud.' },
  'cyan-red-burst': {
    color: CYAN,
    pattern: 'blink',
    periodMs: 200,
    burst: { color: RED, count: 1 },
    description: 'Blinking cyan with a red flash: the cloud handshake fails (device and/or server key mismatch).',
  },
  'cyan-orange-burst-1': {
    color: CYAN,
    pattern: 'blink',
    periodMs: 200,
    burst: { color: ORANGE, count: 1 },
    description: 'Blinking cyan with 1 orange flash: decryption error in the handshake.',
  },
  'cyan-orange-burst-3': {
    color: CYAN,
    pattern: 'blink',
    periodMs: 200,
    burst: { color: ORANGE, count: 3 },
    description: 'Blinking cyan with 3 orange flashes: internet reachable, Particle cloud not (server address or key).',
  },
  'cyan-magenta-burst': {
    color: CYAN,
    pattern: 'blink',
    periodMs: 200,
    burst: { color: MAGENTA, count: 1 },
    description: 'Blinking cyan with a magenta flash: authentication error (server public key).',
  },
  'blinking-green': { color: '#00ff00', pattern: 'blink', periodMs: 200, burst: null, description: 'Connecting to the network.' },
  'breathing-green': { color: '#00ff00', pattern: 'breathe', periodMs: 4000, burst: null, description: 'On the network, not on the cloud.' },
  'blinking-blue': { color: '#0000ff', pattern: 'blink', periodMs: 500, burst: null, description: 'Listening mode: waiting for Wi-Fi credentials or setup.' },
  'breathing-magenta': { color: MAGENTA, pattern: 'breathe', periodMs: 4000, burst: null, description: 'Safe mode: Device OS runs, the application does not.' },
  'blinking-magenta': { color: MAGENTA, pattern: 'blink', periodMs: 100, burst: null, description: 'Receiving or applying firmware.' },
  'blinking-yellow': { color: '#ffff00', pattern: 'blink', periodMs: 200, burst: null, description: 'DFU mode (bootloader USB updater).' },
  'breathing-white': { color: '#ffffff', pattern: 'breathe', periodMs: 4000, burst: null, description: 'Network off.' },
  sos: { color: RED, pattern: 'sos', periodMs: 0, burst: null, description: 'Red SOS: firmware panic.' },
  off: { color: '#000000', pattern: 'off', periodMs: 0, burst: null, description: 'LED off: no power, or no bootloader.' },
} as const satisfies Record<string, Omit<LedState, 'patternId' | 'sosCode'>>;

export type LedPatternId = keyof typeof CATALOGUE;

export function ledState(patternId: LedPatternId, sosCode: number | null = null): LedState {
  const entry = CATALOGUE[patternId];
  return {
    patternId,
    color: entry.color,
    pattern: entry.pattern,
    periodMs: entry.periodMs,
    burst: entry.burst ? { ...entry.burst } : null,
    sosCode: patternId === 'sos' ? sosCode : null,
    description: entry.description,
  };
}
