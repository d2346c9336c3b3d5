import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';

describe('parseArgs', () => {
  it('separates positionals, valued flags and boolean flags', () => {
    expect(parseArgs(['dfu', 'read', 'abc', '--alt', '1', '--address=0x22', '--json', '--out', 'x.bin'])).toEqual({
      positionals: ['dfu', 'read', 'abc'],
      flags: { alt: '1', address: '0x22', json: true, out: 'x.bin' },
    });
  });
  it('treats a trailing or flag-followed valued flag as boolean and keeps words after --', () => {
    expect(parseArgs(['lab', 'start', '--virtual', '--json', '--', '--not-a-flag'])).toEqual({
      positionals: ['lab', 'start', '--not-a-flag'],
      flags: { virtual: true, json: true },
    });
    expect(parseArgs(['-h']).flags.help).toBe(true);
  });
});
