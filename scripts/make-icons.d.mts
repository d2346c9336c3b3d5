export const ICON_SIZES: readonly number[];
export function encodePng(width: number, height: number, rgba: Buffer): Buffer;
export function renderIcon(size: number): Buffer;
export function writeIcons(resourcesDir: string): void;
