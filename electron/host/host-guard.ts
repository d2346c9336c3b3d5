import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Browser-mode access rules, pure so they are unit-tested: the socket must present the per-run token,
 * come from our own page (Origin) and address us by a loopback name (Host) — a DNS-rebinding page on
 * another name cannot pass even if it reaches the port.
 */
export interface GuardInput {
  host: string | undefined;
  origin: string | undefined;
  token: string | null;
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return origin !== undefined && allowedHosts(port).some((h) => origin.toLowerCase() === `http://${h}`);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Constant time in the content and the length of `given`: both sides are hashed to 32 bytes first,
 * so neither a matching prefix nor a matching length answers any faster. An empty expected token
 * (a misconfigured start) matches nothing.
 */
export function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null || expected.length === 0) return false;
  return timingSafeEqual(digest(expected), digest(given));
}

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403 | 421; reason: string };

export function checkSocket(input: GuardInput, port: number, expectedToken: string): GuardVerdict {
  if (!isAllowedHost(input.host, port)) return { ok: false, status: 421, reason: 'Host is not a loopback name of this rescue host' };
  if (!isAllowedOrigin(input.origin, port)) return { ok: false, status: 403, reason: 'Origin is not this rescue host' };
  if (!tokenMatches(expectedToken, input.token)) return { ok: false, status: 401, reason: 'Missing or wrong access token' };
  return { ok: true };
}
