import { SECURITY_CODES, type StoredWifiProfile } from '../dct/wifi-profile';

/** What the `w` dialog does once the user has typed everything: save, then leave listening mode. */
export interface WifiDialogTarget {
  storeWifiProfile(profile: StoredWifiProfile): boolean;
  stopListening(): void;
}

type Step = 'idle' | 'ssid' | 'security' | 'cipher' | 'password';

/** read_line's buffer limits in system_setup.cpp: SSID 32, password 64 characters. */
const SSID_MAX = 32;
const PASSWORD_MAX = 64;

/**
 * The listening-mode console's Wi-Fi credential dialog (`w`, usb-control-protocol.md §8.1): SSID,
 * security 0–3, cipher for WPA/WPA2, password unless open; lines end with CR or LF. Typed text is
 * not echoed, so the password never reaches the device log.
 */
export class WifiDialog {
  private step: Step = 'idle';
  private line = '';
  private ssid = '';
  private security: StoredWifiProfile['security'] = null;

  constructor(private readonly target: WifiDialogTarget) {}

  get active(): boolean {
    return this.step !== 'idle';
  }

  start(print: (text: string) => void): void {
    this.step = 'ssid';
    this.line = '';
    print('SSID: ');
  }

  /** Leaving listening mode by other means drops a half-typed dialog. */
  reset(): void {
    this.step = 'idle';
    this.line = '';
  }

  feed(char: string, print: (text: string) => void): void {
    if (char !== '\r' && char !== '\n') {
      const max = this.step === 'password' ? PASSWORD_MAX : this.step === 'ssid' ? SSID_MAX : 1;
      if (this.line.length < max) this.line += char;
      return;
    }
    const line = this.line;
    this.line = '';
    if (line === '' && this.step !== 'password') return;
    this.answer(line, print);
  }

  private answer(line: string, print: (text: string) => void): void {
    if (this.step === 'ssid') {
      this.ssid = line;
      this.step = 'security';
      print('Security 0=unsecured, 1=WEP, 2=WPA, 3=WPA2: ');
    } else if (this.step === 'security') {
      const security = /^[0-3]$/.test(line) ? SECURITY_CODES[Number(line)] : null;
      if (!security) return print('Security 0=unsecured, 1=WEP, 2=WPA, 3=WPA2: ');
      this.security = security;
      if (security === 'open') return this.save('', print);
      this.step = security === 'wep' ? 'password' : 'cipher';
      print(security === 'wep' ? 'Password: ' : 'Security Cipher 1=AES, 2=TKIP, 3=AES+TKIP: ');
    } else if (this.step === 'cipher') {
      if (!/^[1-3]$/.test(line)) return print('Security Cipher 1=AES, 2=TKIP, 3=AES+TKIP: ');
      this.step = 'password';
      print('Password: ');
    } else if (this.step === 'password') this.save(line, print);
  }

  private save(password: string, print: (text: string) => void): void {
    this.step = 'idle';
    print('Thanks! Wait while I save those credentials...');
    const stored = this.target.storeWifiProfile({ ssid: this.ssid, security: this.security, password });
    if (!stored) return print('Credentials could not be saved.');
    print("Awesome. Now we'll connect!");
    this.target.stopListening();
  }
}
