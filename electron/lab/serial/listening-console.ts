/** Listening-mode serial console keys (usb-control-protocol.md §8.1) the lab answers. */
export interface ConsoleTarget {
  readonly deviceId: string;
  readonly systemVersion: string;
  currentMode(): string;
  stopListening(): void;
  print(line: string): void;
}

export function handleConsoleInput(target: ConsoleTarget, text: string): void {
  if (target.currentMode() !== 'listening') return;
  for (const key of text) {
    if (key === 'i') target.print(`Your device id is ${target.deviceId}`);
    else if (key === 'v') target.print(`system firmware version: ${target.systemVersion}`);
    else if (key === 'x') target.stopListening();
  }
}
