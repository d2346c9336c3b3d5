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
  /** True when --json was given: print one JSON document and nothing else on stdout. */
  json: boolean;
  /** The given device ID, validated; with --virtual and none given, the virtual device's ID. */
  deviceId(given?: string): Promise<string>;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: ParsedArgs, env: CliEnv): Promise<number>;
}
