import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, responseSecurityHeaders } from './content-policy';
import { contentSecurityPolicy as mainCsp, securityHeaders } from '../main/security-policy';

describe('the one content policy of both front doors', () => {
  it('main/ serves the very same policy as the shared builder', () => {
    expect(mainCsp).toBe(contentSecurityPolicy);
    expect(securityHeaders()).toEqual(responseSecurityHeaders());
  });

  it('isolates every response: COOP, CORP, no sniffing, no framing, no referrer', () => {
    const headers = responseSecurityHeaders(['ws://127.0.0.1:4000']);
    expect(headers).toMatchObject({
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
    });
    expect(headers['Content-Security-Policy']).toBe(contentSecurityPolicy(['ws://127.0.0.1:4000']));
    expect(headers['Content-Security-Policy']).toContain("connect-src 'self' ws://127.0.0.1:4000;");
    expect(headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
  });
});
