export const UNPACKED_MODULES: readonly string[];

export interface PackageSmokeResult {
  ok: boolean;
  failures: string[];
  /** Whether the real built dist/ was packaged or a minimal stand-in. */
  dist: 'built' | 'stand-in';
  seconds: number;
  /** Set only with `keep`. */
  workDir: string | null;
  builderOutput: string;
}

export function runPackageSmoke(options?: {
  keep?: boolean;
  editConfig?: (text: string) => string;
  standInMain?: string;
}): Promise<PackageSmokeResult>;
