import { socatAvailable } from './pty-pair';

/** Set to 1 to give virtual devices real ptys (via socat) that other serial tools can open. */
export const LAB_PTY_ENV = 'PARTICLE_RESCUE_LAB_PTY';

/**
 * Virtual devices' serial ports: the lab's own serialport binding (`lab:<deviceId>`, nothing to
 * install); a real pty through socat only when asked and socat exists.
 */
export function labSerialMode(env: NodeJS.ProcessEnv = process.env): 'binding' | 'pty' {
  return env[LAB_PTY_ENV] === '1' && socatAvailable() ? 'pty' : 'binding';
}
