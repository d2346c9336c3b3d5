import { afterEach, beforeEach } from 'vitest';
import { startLabRig, type LabRig } from './lab-rig';

/** A fresh rig for every test of the calling file; call the returned function inside a test. */
export function labRigPerTest(opts: Parameters<typeof startLabRig>[0] = {}): () => LabRig {
  let rig: LabRig | null = null;
  beforeEach(async () => {
    rig = await startLabRig(opts);
  });
  afterEach(async () => {
    await rig?.close();
    rig = null;
  });
  return () => {
    if (!rig) throw new Error('the lab rig only exists inside a test');
    return rig;
  };
}
