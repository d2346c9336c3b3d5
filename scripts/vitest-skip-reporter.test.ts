import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import SkipReporter from './vitest-skip-reporter.mjs';

function testCase(fullName: string, state: string, mode = 'run', note?: string) {
  return { fullName, options: { mode }, result: () => ({ state, note }) };
}

describe('vitest skip reporter (npm test lists every skip with its reason)', () => {
  it('writes the skipped tests of every module with their note, todo, or that none was given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skips-'));
    try {
      const module = {
        moduleId: join(process.cwd(), 'electron/lab/serial/socat-cleanup.test.ts'),
        children: {
          allTests: () => [testCase('a passes', 'passed'), testCase('b needs socat', 'skipped', 'run', 'socat is not installed'), testCase('c later', 'skipped', 'todo'), testCase('d static', 'skipped', 'skip')],
        },
      };
      new SkipReporter(dir).onTestRunEnd([module]);
      expect(JSON.parse(readFileSync(join(dir, 'vitest-skips.json'), 'utf8'))).toEqual([
        { file: 'electron/lab/serial/socat-cleanup.test.ts', name: 'b needs socat', reason: 'socat is not installed' },
        { file: 'electron/lab/serial/socat-cleanup.test.ts', name: 'c later', reason: 'todo' },
        { file: 'electron/lab/serial/socat-cleanup.test.ts', name: 'd static', reason: 'no reason given' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
