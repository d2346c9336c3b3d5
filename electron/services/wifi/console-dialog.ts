import { RescueError } from '../../../shared/errors';
import type { CheckedCredentials } from './wifi-input';

/** What the dialog needs of an open serial port (SerialPort satisfies it; tests pass the lab's). */
export interface ConsolePort {
  write(data: string): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

/** The `w` dialog's prompts (usb-control-protocol.md §8.1; Device OS system_setup.cpp). */
const PROMPT = {
  ssid: /SSID:\s*$/,
  security: /Security 0=unsecured[^\n]*:\s*$/,
  cipher: /Security Cipher[^\n]*:\s*$/,
  password: /Password:\s*$/,
  saved: /Now we'll connect|Thanks! Wait/,
} as const;

type Prompt = keyof typeof PROMPT;

const SECURITY_KEY = { open: '0', wep: '1', wpa: '2', wpa2: '3' } as const;
/** WPA networks use TKIP, WPA2 AES (the usual pairing; Device OS asks for it explicitly). */
const CIPHER_KEY = { wpa: '2', wpa2: '1' } as const;

/**
 * Drives the listening-mode console's Wi-Fi dialog: `w`, then answers each prompt as it appears.
 * Device output is only matched against prompts, never logged (a device may echo the password).
 */
export async function enterCredentialsOnConsole(port: ConsolePort, creds: CheckedCredentials, timeoutMs: number): Promise<void> {
  let text = '';
  let wake: (() => void) | null = null;
  const onData = (chunk: Buffer) => {
    text = (text + chunk.toString('latin1').replace(/\r/g, '')).slice(-512);
    wake?.();
  };
  port.on('data', onData);
  const next = async (expected: Prompt[], step: string): Promise<Prompt> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const tail = text.replace(/\n+$/, '');
      const found = expected.find((p) => PROMPT[p].test(tail) || (p === 'saved' && PROMPT.saved.test(text)));
      if (found) {
        text = '';
        return found;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw consoleTimeout(step, timeoutMs, expected.length === 1 && expected[0] === 'saved');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  };
  try {
    port.write('w');
    await next(['ssid'], 'the SSID prompt after "w"');
    port.write(`${creds.ssid}\r`);
    let prompt = await next(['security', 'password', 'saved'], 'the security prompt');
    if (prompt === 'security') {
      port.write(`${SECURITY_KEY[creds.security]}\r`);
      prompt = await next(['cipher', 'password', 'saved'], 'the next prompt after the security type');
    }
    if (prompt === 'cipher') {
      port.write(`${creds.security === 'wpa' ? CIPHER_KEY.wpa : CIPHER_KEY.wpa2}\r`);
      prompt = await next(['password', 'saved'], 'the password prompt');
    }
    if (prompt === 'password') {
      port.write(`${creds.password}\r`);
      await next(['saved'], 'the confirmation that the credentials were saved');
    }
  } finally {
    port.off('data', onData);
  }
}

function consoleTimeout(step: string, timeoutMs: number, afterPassword: boolean): RescueError {
  const outcome = afterPassword ? 'Whether the device saved the credentials is not known.' : 'Nothing was stored.';
  return new RescueError(
    'TIMEOUT',
    `The device's listening-mode console did not answer (waited ${Math.round(timeoutMs / 1000)} s for ${step}). ${outcome}`,
    'Check that the LED blinks dark blue (listening mode): hold SETUP for 3 seconds until it does, close other programs using the serial port (particle serial monitor, screen), then try again.',
  );
}
