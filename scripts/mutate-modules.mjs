// The write-path modules `npm run mutate` measures, each with the test files that exercise it.
// Kept small on purpose: Stryker re-runs these tests once per mutant (slow on two cores).
export const MUTATE_MODULES = [
  {
    name: 'dfu-session',
    mutate: ['electron/services/dfu/dfu-session.ts', 'electron/services/dfu/verify-bytes.ts', 'electron/services/dfu/region-guards.ts'],
    tests: ['electron/services/dfu/dfu-faults.test.ts', 'electron/services/dfu/dfu-service.test.ts', 'electron/services/dfu/verify-bytes.test.ts', 'electron/services/dfu/verify-mismatch.lab.test.ts'],
  },
  {
    name: 'dfu-protocol',
    mutate: ['electron/services/dfu/dfu-protocol.ts', 'electron/services/dfu/memory-layout.ts'],
    tests: ['electron/services/dfu/dfu-faults.test.ts', 'electron/services/dfu/memory-layout.test.ts', 'electron/services/dfu/dfu-service.test.ts'],
  },
  {
    name: 'dct-layout+key-slots',
    mutate: ['shared/domain/dct-layout.ts', 'electron/services/keys/dfu-access.ts'],
    tests: ['electron/services/keys/key-repair.lab.test.ts', 'electron/services/keys/verify-mismatch.lab.test.ts', 'electron/services/keys/key-health.test.ts'],
  },
  {
    name: 'server-key',
    mutate: ['electron/services/keys/server-key.ts', 'electron/services/keys/server-address.ts', 'electron/services/keys/server-key-plan.ts'],
    tests: ['electron/services/keys/server-key.test.ts', 'electron/services/keys/server-key-judgement.test.ts', 'electron/services/keys/server-key-plan.test.ts', 'electron/services/keys/key-health.test.ts', 'electron/services/keys/bundled-server-keys.test.ts', 'electron/services/keys/key-service.test.ts'],
  },
  {
    name: 'repair-journal',
    mutate: ['electron/services/keys/repair-journal.ts'],
    tests: ['electron/services/keys/key-health.test.ts', 'electron/services/keys/key-repair.lab.test.ts'],
  },
  {
    name: 'backup-store',
    mutate: ['electron/services/backups/backup-store.ts', 'electron/services/backups/atomic-file.ts'],
    tests: ['electron/services/backups/backup-store.test.ts', 'electron/services/backups/backup-store-edges.test.ts'],
  },
  {
    name: 'firmware-flash',
    mutate: ['electron/services/firmware/firmware-service.ts', 'electron/services/firmware/flash-plan.ts', 'electron/services/firmware/confirm-modules.ts'],
    tests: ['electron/services/firmware/firmware-service.test.ts', 'electron/services/firmware/flash-plan.test.ts', 'electron/services/firmware/firmware-lab.test.ts'],
  },
  {
    name: 'host-guard',
    mutate: ['electron/host/host-guard.ts'],
    // The fuzz test covers everything slowly and asserts only survival: the unit tests judge here.
    tests: ['electron/host/host-guard.test.ts', 'electron/host/rescue-host.test.ts', 'electron/host/station.test.ts'],
  },
  {
    name: 'static-files',
    mutate: ['electron/host/static-files.ts'],
    tests: ['electron/host/static-files.test.ts', 'electron/host/rescue-host.test.ts'],
  },
];
