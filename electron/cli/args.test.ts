import { describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS, UsageError, parseArgs } from './args';

const dfu = { ...GLOBAL_OPTIONS, alt: 'string', address: 'string', out: 'string', 'dry-run': 'boolean' } as const;

function usageError(argv: string[]): string {
  try {
    parseArgs(argv, dfu);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`parsed without complaint: ${argv.join(' ')}`);
}

describe('parseArgs (strict)', () => {
  it('separates positionals, valued options and switches', () => {
    expect(parseArgs(['dfu', 'read', 'abc', '--alt', '1', '--address=0x22', '--json', '--out', 'x.bin'], dfu)).toEqual({
      positionals: ['dfu', 'read', 'abc'],
      flags: { alt: '1', address: '0x22', json: true, out: 'x.bin' },
    });
    expect(parseArgs(['lab', '--', '--not-a-flag'], dfu).positionals).toEqual(['lab', '--not-a-flag']);
    expect(parseArgs(['-h'], dfu).flags.help).toBe(true);
  });

  it('refuses an unknown option and names the one that was probably meant', () => {
    expect(usageError(['flash', 'id', 'app.bin', '--dryrun'])).toBe('Unknown option --dryrun. Did you mean --dry-run?');
    expect(usageError(['--frobnicate'])).toBe('Unknown option --frobnicate.');
  });

  it('refuses a valued option without its value, and never swallows the next option as one', () => {
    expect(usageError(['dfu', '--out'])).toBe('Option --out needs a value.');
    expect(usageError(['dfu', '--out', '--json'])).toMatch(/^Option --out needs a value, but the next word starts with "-"/);
    expect(usageError(['--json=yes'])).toBe('Option --json takes no value.');
  });

  it('never lets a switch take the next word as its value', () => {
    expect(parseArgs(['backups', '--dry-run', 'abc'], dfu)).toEqual({ positionals: ['backups', 'abc'], flags: { 'dry-run': true } });
  });
});
