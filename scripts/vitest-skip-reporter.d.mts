export default class SkipReporter {
  constructor(outDir?: string | object);
  onTestRunEnd(testModules: ReadonlyArray<unknown>): void;
}
