export const UNPACKED_MODULES: readonly string[];
export const ASAR_LIMIT_BYTES: number;

export interface PackageSmokeResult {
  ok: boolean;
  failures: string[];
  /** Whether the real built dist/ was packaged or a minimal stand-in. */
  dist: 'built' | 'stand-in';
  seconds: number;
  /** Size of the packaged app.asar (0 when packaging failed). */
  asarBytes: number;
  /** Set only with `keep`. */
  workDir: string | null;
  builderOutput: string;
}

export function runPackageSmoke(options?: {
  keep?: boolean;
  editConfig?: (text: string) => string;
  standInMain?: string;
}): Promise<PackageSmokeResult>;
