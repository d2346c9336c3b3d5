import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  type: string;
}

/**
 * What a URL path resolves to: a file, or why not. `bad-request` is a path that cannot be decoded
 * (malformed percent-encoding, NUL bytes); `outside` is any attempt to leave the root, however encoded.
 */
export type StaticResult = ({ kind: 'file' } & StaticFile) | { kind: 'bad-request' } | { kind: 'outside' } | { kind: 'not-found' };

function decodePath(urlPath: string): string | null {
  try {
    const decoded = decodeURIComponent(urlPath.split(/[?#]/)[0]);
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}

/** True when `full` is `root` itself or lies below it (by path segments after normalisation, not by string prefix). */
export function isInside(root: string, full: string): boolean {
  const rel = relative(root, full);
  return !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
}

/** Resolves a URL path inside `root` only (no `..` escapes, encoded or not); unknown paths fall back to index.html. */
export async function resolveStatic(root: string, urlPath: string): Promise<StaticResult> {
  const decoded = decodePath(urlPath);
  if (decoded === null) return { kind: 'bad-request' };
  const base = resolve(root);
  const clean = decoded.replace(/^[/\\]+/, '') || 'index.html';
  // Backslashes are separators on Windows only; elsewhere they are refused outright rather than trusted.
  if (clean.includes('\\')) return { kind: 'outside' };
  const full = resolve(base, clean);
  if (!isInside(base, full)) return { kind: 'outside' };
  try {
    return { kind: 'file', body: await readFile(full), type: TYPES[extname(full)] ?? 'application/octet-stream' };
  } catch {
    if (extname(clean)) return { kind: 'not-found' };
    try {
      return { kind: 'file', body: await readFile(join(base, 'index.html')), type: TYPES['.html'] };
    } catch {
      return { kind: 'not-found' };
    }
  }
}

/** The file for a URL path, or null for anything else (not found, refused, undecodable). */
export async function loadStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  const result = await resolveStatic(root, urlPath);
  return result.kind === 'file' ? { body: result.body, type: result.type } : null;
}
