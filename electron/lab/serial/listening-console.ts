import type { WifiDialog } from './wifi-dialog';

/** Listening-mode serial console keys (usb-control-protocol.md §8.1) the lab answers. */
export interface ConsoleTarget {
  readonly deviceId: string;
  readonly systemVersion: string;
  /** The `w` credential dialog, on Wi-Fi platforms only. */
  readonly wifiDialog?: WifiDialog;
  currentMode(): string;
  stopListening(): void;
  print(line: string): void;
}

export function handleConsoleInput(target: ConsoleTarget, text: string): void {
  if (target.currentMode() !== 'listening') {
    target.wifiDialog?.reset();
    return;
  }
  for (const key of text) {
    if (target.wifiDialog?.active) target.wifiDialog.feed(key, (line) => target.print(line));
    else if (key === 'i') target.print(`Your device id is ${target.deviceId}`);
    else if (key === 'v') target.print(`system firmware version: ${target.systemVersion}`);
    else if (key === 'w' && target.wifiDialog) target.wifiDialog.start((line) => target.print(line));
    else if (key === 'x') target.stopListening();
  }
}
