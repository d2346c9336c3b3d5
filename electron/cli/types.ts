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
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: ParsedArgs, env: CliEnv): Promise<number>;
}
