/**
 * What the installed `particle-rescue` (the Electron binary itself) was started to do: the GUI, one CLI
 * command, or the rescue station. The packaged app has no Node of its own to run a CLI with (the
 * RunAsNode fuse is off), so the same binary serves all three.
 */
export type LaunchMode = { kind: 'gui' } | { kind: 'cli'; args: string[] } | { kind: 'station'; args: string[] };

const CLI_SWITCHES = new Set(['--help', '-h', '--version', '-v']);
const STATION_SWITCHES = new Set(['--station', '--browser']);

/**
 * `argv` is process.argv: a packaged app gets [binary, ...args], `electron .` in a clone gets
 * [electron, '.', ...args]. Anything that is not a known command or switch (Chromium switches, a file
 * the desktop passes) starts the GUI as before.
 */
export function launchMode(argv: readonly string[], packaged: boolean, commandNames: readonly string[]): LaunchMode {
  const args = argv.slice(packaged ? 1 : 2);
  const first = args[0];
  if (first === undefined) return { kind: 'gui' };
  if (commandNames.includes(first) || first === 'help' || CLI_SWITCHES.has(first)) return { kind: 'cli', args };
  if (args.some((arg) => STATION_SWITCHES.has(arg))) return { kind: 'station', args: args.filter((arg) => arg !== '--browser') };
  return { kind: 'gui' };
}
