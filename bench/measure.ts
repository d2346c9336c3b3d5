/** Shared by the benchmarks: they report medians so one slow run (GC, the other core busy) does not skew a figure. */
export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median wall time of `runs` synchronous calls, in ms. */
export function timeMs(fn: () => void, runs = 7): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** Median and worst wall time of `runs` awaited calls, in ms. */
export async function timeRuns(runs: number, work: () => Promise<unknown>): Promise<{ median: number; max: number }> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return { median: median(samples), max: Math.max(...samples) };
}
