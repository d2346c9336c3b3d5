/**
 * The content policy both front doors serve: the Electron app:// protocol (main/) and the browser-mode
 * rescue host (host/). One builder, so the two can never drift apart. Plain data, no Electron import.
 */

/** CSP for app content. `connectSrc` adds the loopback WebSocket of browser mode. */
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "worker-src 'none'",
    "manifest-src 'self'",
  ].join('; ');
}

/**
 * Headers on every response the app serves — files, redirects and errors alike: the CSP, no MIME
 * sniffing, no framing, no referrer, and COOP/CORP so no other origin can open, embed or read it.
 */
export function responseSecurityHeaders(connectSrc: string[] = []): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(connectSrc),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}
