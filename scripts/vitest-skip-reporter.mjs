// Vitest reporter for `npm test`: every skipped test with its reason, into test-results/vitest-skips.json,
// so the summary can list them (Vitest's JSON report has no skip reasons).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export default class SkipReporter {
  constructor(outDir = 'test-results') {
    // Vitest passes its reporter options here; only a string is a folder.
    this.outDir = typeof outDir === 'string' ? outDir : 'test-results';
  }

  onTestRunEnd(testModules) {
    const skips = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state !== 'skipped') continue;
        const reason = result.note ?? (test.options.mode === 'todo' ? 'todo' : 'no reason given');
        skips.push({ file: relative(process.cwd(), module.moduleId), name: test.fullName, reason });
      }
    }
    mkdirSync(this.outDir, { recursive: true });
    writeFileSync(join(this.outDir, 'vitest-skips.json'), `${JSON.stringify(skips, null, 2)}\n`);
  }
}
