import { measureLabRoundTrip } from '../electron/lab/lab-bench';

/** The device lab under both timing profiles: what a host waits for on a "real" Photon vs in tests. */
export async function run(print: (line: string) => void): Promise<void> {
  for (const timing of ['fast', 'realistic'] as const) {
    const r = await measureLabRoundTrip({ timing });
    print(
      `${r.scenario} ${timing.padEnd(9)} boot ${r.bootMs.toFixed(0)} ms, enter DFU ${r.enterDfuMs.toFixed(0)} ms, ` +
        `write ${r.writeBytes / 1024} KB ${r.writeMs.toFixed(0)} ms, leave ${r.leaveMs.toFixed(0)} ms, ${r.transfers} transfers`,
    );
  }
}
