import { parseArgs as parseNodeArgs } from 'node:util';
import type { ParsedArgs } from './types';

/** The options a command accepts, by name: a switch, or one that takes a value. */
export type OptionKinds = Record<string, 'boolean' | 'string'>;

/** Accepted by every command. */
export const GLOBAL_OPTIONS: OptionKinds = {
  json: 'boolean',
  help: 'boolean',
  version: 'boolean',
  virtual: 'string',
  'data-dir': 'string',
  'lab-timing': 'string',
  lab: 'string',
};

/** A mistake in how the command was typed: exit code 2, one line saying what, then the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Strict: an unknown option or a missing value is a UsageError, never guessed around — a typo such as
 * `--dryrun` must not run the real thing. A value that starts with `-` is refused as ambiguous
 * (`--out --json`) unless written `--out=-x`.
 */
export function parseArgs(argv: readonly string[], options: OptionKinds): ParsedArgs {
  const spec = Object.fromEntries(
    Object.entries(options).map(([name, type]) => [name, name === 'help' ? { type, short: 'h' } : { type }]),
  );
  try {
    const { values, positionals } = parseNodeArgs({ args: [...argv], options: spec, strict: true, allowPositionals: true });
    return { positionals, flags: values as Record<string, string | boolean> };
  } catch (error) {
    throw new UsageError(usageMessage(error, Object.keys(options)));
  }
}

/** Node's messages explain its API; these say what the user typed wrong. */
function usageMessage(error: unknown, known: string[]): string {
  const text = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(text)?.[1];
  if (unknown) {
    const near = closest(unknown.replace(/^-+/, ''), known);
    return `Unknown option ${unknown}.${near ? ` Did you mean --${near}?` : ''}`;
  }
  const missing = /Option '(?:-\w, )?(--[^ ']+) <value>' argument missing/.exec(text)?.[1];
  if (missing) return `Option ${missing} needs a value.`;
  const ambiguous = /Option '(?:-\w, )?(--[^ ']+)(?: <value>)?' argument is ambiguous/.exec(text)?.[1];
  if (ambiguous) return `Option ${ambiguous} needs a value, but the next word starts with "-". Write ${ambiguous}=<value> if that is the value.`;
  const takesNone = /Option '(?:-\w, )?(--[^ ']+)' does not take an argument/.exec(text)?.[1];
  if (takesNone) return `Option ${takesNone} takes no value.`;
  return text.split('\n')[0];
}

/** The known option within two edits of a typo, if exactly one is. */
function closest(typed: string, known: string[]): string | null {
  const near = known.filter((name) => editDistance(typed, name) <= 2);
  return near.length === 1 ? near[0] : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}
