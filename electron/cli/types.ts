import type { Services } from '../services/container';

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean>;
}

export interface CliEnv {
  /** Builds the service graph on first use (real USB, or the lab when --virtual is given). */
  services(): Promise<Services>;
  print(text: string): void;
  printJson(value: unknown): void;
  /**
   * Asks the person at the terminal; null when there is none (a pipe, a script). `secret` hides what
   * is typed.
   */
  prompt?(question: string, secret: boolean): Promise<string | null>;
  /** True when --json was given: print one JSON document and nothing else on stdout. */
  json: boolean;
  /**
   * The device to act on: the given device ID (validated); with none given, the virtual device of
   * --virtual, or the only attached device. Several attached and none chosen is a usage error that
   * lists them.
   */
  deviceId(given?: string): Promise<string>;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** The command's own options besides the global ones (--json, --virtual, --data-dir, …). */
  options?: Record<string, 'boolean' | 'string'>;
  run(args: ParsedArgs, env: CliEnv): Promise<number>;
}
