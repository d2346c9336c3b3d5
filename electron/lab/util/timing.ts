/**
 * Delays a real device imposes. 'realistic' follows the reference (poll timeouts, flash erase and
 * program times, ≈1 s before acting on reset/DFU requests, ≈1 s to re-enumerate); 'fast' is zero-delay
 * for tests. Delays go through an injectable sleep so tests never wait on the wall clock.
 */
export type TimingName = 'realistic' | 'fast';
export type Sleep = (ms: number) => Promise<void>;

export interface TimingProfile {
  readonly name: TimingName;
  /** Time to erase one flash sector of the given size. */
  eraseMs(sectorSize: number): number;
  /** Time to program `bytes` bytes. */
  programMs(bytes: number): number;
  /** Delay between a RESET/DFU/SAFE_MODE reply and the device acting on it (system_control_internal.cpp). */
  readonly actionDelayMs: number;
  /** USB gone → USB back with the new PID. */
  readonly reenumerateMs: number;
  /** Gen 2 bootloader counts down before resetting after leave (500 ticks). */
  readonly manifestResetMs: number;
  /** Wait between cloud connection attempts while handshakes keep failing. */
  cloudRetryMs(attempt: number): number;
  /** Joining Wi-Fi / registering on cellular before the cloud connection starts. */
  readonly networkJoinMs: number;
  /** How long the MODE/SETUP button is held after RESET: ≥ 1 s safe mode, ≥ 3 s DFU (platforms.md §3.1). */
  buttonHoldMs(hold: 'safe' | 'dfu' | 'listening'): number;
  /** Per-request time a host would give up after (libusb 5 s); a P2 OUT without data stage hangs this long. */
  readonly transferTimeoutMs: number;
  /** Full-speed USB time of one control transfer carrying `bytes` in its data stage. */
  usbTransferMs(bytes: number): number;
  /** bwPollTimeout reported on a busy DFU reply whose work takes `workMs` (fast: tiny, never 0). */
  busyPollMs(workMs: number): number;
}

/**
 * Full-speed USB control transfer: setup + status take about one 1 ms frame, each 64-byte data packet
 * about 0.1 ms more (≈ 640 KB/s for 4 KB blocks, under the 12 Mbit/s bus once protocol overhead counts).
 */
export function fullSpeedControlMs(bytes: number): number {
  return 1 + Math.ceil(bytes / 64) * 0.1;
}

/** Device OS reconnect back-off: 1 s ×5, 2 s ×5, 4 s ×5 … 64 s ×5, then 128 s (led-status.md §4.2 #24). */
function backoffMs(attempt: number): number {
  const step = Math.floor(attempt / 5);
  return step > 6 ? 128_000 : 1000 * 2 ** step;
}

export const REALISTIC: TimingProfile = {
  name: 'realistic',
  // STM32F2 sector erase: ~0.5 s for 16 KB up to ~2 s for 128 KB; nRF52840 4 KB page ~85 ms.
  eraseMs: (size) => Math.max(85, Math.round((size / 1024) * 15)),
  // ~16 µs per 32-bit word on STM32F2, so about 4 ms per KB.
  programMs: (bytes) => Math.ceil(bytes / 1024) * 4,
  actionDelayMs: 1000,
  reenumerateMs: 1000,
  manifestResetMs: 500,
  cloudRetryMs: backoffMs,
  networkJoinMs: 2000,
  buttonHoldMs: (hold) => (hold === 'safe' ? 1500 : 3500),
  transferTimeoutMs: 5000,
  usbTransferMs: fullSpeedControlMs,
  busyPollMs: (workMs) => workMs,
};

export const FAST: TimingProfile = {
  name: 'fast',
  eraseMs: () => 0,
  programMs: () => 0,
  actionDelayMs: 0,
  reenumerateMs: 0,
  manifestResetMs: 0,
  // Not zero: a device retrying the handshake in a zero-delay loop would starve the event loop.
  cloudRetryMs: () => 25,
  networkJoinMs: 0,
  buttonHoldMs: () => 0,
  transferTimeoutMs: 0,
  usbTransferMs: () => 0,
  // Tiny but not zero, so a host that ignores bwPollTimeout is caught by the strict option.
  busyPollMs: () => 1,
};

export function timingProfile(name: TimingName): TimingProfile {
  return name === 'fast' ? FAST : REALISTIC;
}

export const realSleep: Sleep = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });
