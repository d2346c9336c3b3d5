/**
 * Electron fuses for the shipped build: switches baked into the Electron binary at package time
 * (scripts/after-pack.cjs flips them), which no command-line flag or environment variable can undo.
 * This file is plain data and functions without imports, because the packaging hook loads it outside
 * the app bundle.
 */

/** Names as in @electron/fuses' FuseV1Options, which maps each to its index in the fuse wire. */
export type FuseName =
  | 'RunAsNode'
  | 'EnableCookieEncryption'
  | 'EnableNodeOptionsEnvironmentVariable'
  | 'EnableNodeCliInspectArguments'
  | 'EnableEmbeddedAsarIntegrityValidation'
  | 'OnlyLoadAppFromAsar'
  | 'LoadBrowserProcessSpecificV8Snapshot'
  | 'GrantFileProtocolExtraPrivileges';

export const SHIPPED_FUSES: Readonly<Record<FuseName, boolean>> = {
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node with USB access.
  RunAsNode: false,
  EnableCookieEncryption: true,
  // NODE_OPTIONS and --inspect would let anyone inject code into the process that holds device keys.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // Only the app.asar electron-builder hashed may run, and its hash is checked (macOS and Windows).
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The renderer is served from app://rescue (main.ts), so file:// pages need no extra powers.
  GrantFileProtocolExtraPrivileges: false,
};

/** The security fuses the task names: a build with any of these in the wrong state must not ship. */
export const SECURITY_FUSES: readonly FuseName[] = [
  'RunAsNode',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'OnlyLoadAppFromAsar',
  'EnableEmbeddedAsarIntegrityValidation',
  'EnableCookieEncryption',
];

/** Fuse-wire byte values, as @electron/fuses writes and reads them. */
export const FUSE_STATE = { disable: 0x30, enable: 0x31, removed: 0x72, inherit: 0x90 } as const;

/** The shape @electron/fuses' flipFuses takes, with fuse indexes as keys. */
export type FuseWireConfig = {
  version: '1';
  resetAdHocDarwinSignature: boolean;
  strictlyRequireAllFuses: false;
} & Record<number, boolean>;

/**
 * Builds the flipFuses config. `fuseIndex` is @electron/fuses' FuseV1Options enum (name → index),
 * passed in so this file needs no import. Arm64 macOS binaries carry an ad-hoc signature that
 * flipping invalidates, so it is renewed there. Fuses newer than this list keep Electron's default.
 */
export function fuseWireConfig(
  fuseIndex: Readonly<Record<string, string | number>>,
  platform: string,
  arch: string,
): FuseWireConfig {
  const config: FuseWireConfig = {
    version: '1',
    resetAdHocDarwinSignature: platform === 'darwin' && arch === 'arm64',
    strictlyRequireAllFuses: false,
  };
  for (const [name, enabled] of Object.entries(SHIPPED_FUSES)) {
    const index = fuseIndex[name];
    if (typeof index !== 'number') throw new Error(`@electron/fuses does not know the fuse ${name}`);
    config[index] = enabled;
  }
  return config;
}

/**
 * Compares a fuse wire read back from a binary (getCurrentFuseWire: index → byte) with
 * SHIPPED_FUSES and returns one line per fuse in the wrong state; empty means the binary is right.
 */
export function fuseWireViolations(
  wire: Readonly<Record<string, unknown>>,
  fuseIndex: Readonly<Record<string, string | number>>,
): string[] {
  const violations: string[] = [];
  for (const [name, enabled] of Object.entries(SHIPPED_FUSES)) {
    const index = fuseIndex[name];
    const state = typeof index === 'number' ? wire[index] : undefined;
    const expected = enabled ? FUSE_STATE.enable : FUSE_STATE.disable;
    if (state === expected) continue;
    const found = state === FUSE_STATE.enable ? 'on' : state === FUSE_STATE.disable ? 'off' : 'not set';
    violations.push(`${name} must be ${enabled ? 'on' : 'off'} but is ${found}`);
  }
  return violations;
}
