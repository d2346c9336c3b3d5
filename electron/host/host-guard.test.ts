import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allowedHosts, checkSocket, isAllowedHost, isAllowedOrigin, tokenMatches } from './host-guard';

const PORT = 41234;
const TOKEN = 'Zk3q9_xY-2bWcT7mNpLr8sDvAe4hGuJ1';

/** Every token of the same length as TOKEN that differs in exactly one position. */
function oneCharOff(token: string): string[] {
  return [...token].map((c, i) => token.slice(0, i) + (c === 'A' ? 'B' : 'A') + token.slice(i + 1));
}

describe('host guard: the token', () => {
  it('accepts exactly the token', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN, `${TOKEN}`.slice(0))).toBe(true);
  });

  it('refuses every wrong token of the same length, wherever the difference is', () => {
    const wrong = oneCharOff(TOKEN);
    expect(wrong).toHaveLength(TOKEN.length);
    for (const candidate of wrong) {
      expect(candidate).toHaveLength(TOKEN.length);
      expect([candidate, tokenMatches(TOKEN, candidate)]).toEqual([candidate, false]);
    }
    expect(tokenMatches(TOKEN, TOKEN.toUpperCase())).toBe(false);
    expect(tokenMatches(TOKEN, [...TOKEN].reverse().join(''))).toBe(false);
  });

  it('refuses random tokens of the same length (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: TOKEN.length, maxLength: TOKEN.length }), (candidate) => {
        expect(tokenMatches(TOKEN, candidate)).toBe(candidate === TOKEN);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses missing, empty, prefix, extended and multi-byte look-alike tokens', () => {
    expect(tokenMatches(TOKEN, null)).toBe(false);
    expect(tokenMatches(TOKEN, '')).toBe(false);
    expect(tokenMatches(TOKEN, TOKEN.slice(0, -1))).toBe(false);
    expect(tokenMatches(TOKEN, `${TOKEN}x`)).toBe(false);
    expect(tokenMatches(TOKEN, `${TOKEN.slice(0, -1)}é`)).toBe(false);
    expect(tokenMatches(TOKEN, TOKEN.padEnd(64, '\0'))).toBe(false);
  });

  it('an empty expected token (a broken start) lets nobody in', () => {
    expect(tokenMatches('', '')).toBe(false);
    expect(tokenMatches('', null)).toBe(false);
  });
});

describe('host guard: the Host header (DNS rebinding)', () => {
  it('allows only the two loopback names with this port', () => {
    expect(allowedHosts(PORT)).toEqual([`127.0.0.1:${PORT}`, `localhost:${PORT}`]);
    expect(isAllowedHost(`127.0.0.1:${PORT}`, PORT)).toBe(true);
    expect(isAllowedHost(`localhost:${PORT}`, PORT)).toBe(true);
    expect(isAllowedHost(`LocalHost:${PORT}`, PORT)).toBe(true);
  });

  it.each([
    undefined,
    '',
    '127.0.0.1',
    'localhost',
    `127.0.0.1:${PORT + 1}`,
    `localhost:${PORT}0`,
    `rebind.example:${PORT}`,
    `localhost.rebind.example:${PORT}`,
    `127.0.0.1.nip.io:${PORT}`,
    `127.0.0.1:${PORT}@evil.example`,
    `evil.example#127.0.0.1:${PORT}`,
    ` 127.0.0.1:${PORT}`,
    `0.0.0.0:${PORT}`,
  ])('refuses Host %j', (host) => {
    expect(isAllowedHost(host, PORT)).toBe(false);
  });
});

describe('host guard: the Origin header', () => {
  it('allows only our own http origin', () => {
    expect(isAllowedOrigin(`http://127.0.0.1:${PORT}`, PORT)).toBe(true);
    expect(isAllowedOrigin(`http://localhost:${PORT}`, PORT)).toBe(true);
    expect(isAllowedOrigin(`http://LocalHost:${PORT}`, PORT)).toBe(true);
  });

  it.each([
    undefined,
    'null',
    '',
    `https://127.0.0.1:${PORT}`,
    `http://127.0.0.1:${PORT + 1}`,
    `http://127.0.0.1:${PORT}.evil.example`,
    `http://evil.example`,
    `http://rebind.example:${PORT}`,
    `http://127.0.0.1:${PORT}/`,
    `file://`,
  ])('refuses Origin %j', (origin) => {
    expect(isAllowedOrigin(origin, PORT)).toBe(false);
  });
});

describe('host guard: checkSocket', () => {
  const good = { host: `127.0.0.1:${PORT}`, origin: `http://127.0.0.1:${PORT}`, token: TOKEN };

  it('lets a socket in only when Host, Origin and token are all right', () => {
    expect(checkSocket(good, PORT, TOKEN)).toEqual({ ok: true });
  });

  it('answers 421 for a foreign Host, 403 for a foreign Origin, 401 for a wrong token of the right length', () => {
    expect(checkSocket({ ...good, host: `rebind.example:${PORT}` }, PORT, TOKEN)).toEqual({ ok: false, status: 421, reason: 'Host is not a loopback name of this rescue host' });
    expect(checkSocket({ ...good, origin: 'http://evil.example' }, PORT, TOKEN)).toEqual({ ok: false, status: 403, reason: 'Origin is not this rescue host' });
    expect(checkSocket({ ...good, token: 'x' }, PORT, TOKEN)).toEqual({ ok: false, status: 401, reason: 'Missing or wrong access token' });
    expect(checkSocket({ ...good, origin: undefined }, PORT, TOKEN)).toMatchObject({ ok: false, status: 403 });
    for (const token of oneCharOff(TOKEN)) {
      expect(checkSocket({ ...good, token }, PORT, TOKEN)).toMatchObject({ ok: false, status: 401 });
    }
    expect(checkSocket({ ...good, token: null }, PORT, TOKEN)).toMatchObject({ ok: false, status: 401 });
  });

  it('checks the Host before anything else, so a rebinding page learns nothing about the token', () => {
    expect(checkSocket({ host: `rebind.example:${PORT}`, origin: `http://rebind.example:${PORT}`, token: TOKEN }, PORT, TOKEN)).toMatchObject({ status: 421 });
    expect(checkSocket({ host: `rebind.example:${PORT}`, origin: undefined, token: null }, PORT, TOKEN)).toMatchObject({ status: 421 });
  });
});
