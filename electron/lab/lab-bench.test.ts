import { describe, expect, it } from 'vitest';
import { measureLabRoundTrip } from './lab-bench';

describe('lab benchmark helper', () => {
  it('runs a whole boot → DFU → write → leave round trip in the fast profile', async () => {
    const r = await measureLabRoundTrip({ timing: 'fast', writeBytes: 8192 });
    expect(r).toMatchObject({ scenario: 'photon-healthy', timing: 'fast', writeBytes: 8192 });
    expect(r.transfers).toBeGreaterThan(10);
  });
});
