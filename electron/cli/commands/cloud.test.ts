import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedCli } from '../testing/scripted-cli';

const dataDir = mkdtempSync(join(tmpdir(), 'rescue-cli-login-'));
const lab = ['--virtual', 'photon-healthy', '--lab-timing', 'fast', '--data-dir', dataDir];

const cli = scriptedCli;

function passwordFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pw-')), 'password');
  writeFileSync(file, `${text}\n`, { mode: 0o600 });
  return file;
}

const savedHome = process.env.HOME;
afterEach(() => {
  process.env.HOME = savedHome;
});

describe('login, whoami and logout against the virtual cloud', () => {
  it('signs in with MFA by asking for the password (hidden) and the one-time code', async () => {
    process.env.HOME = mkdtempSync(join(tmpdir(), 'no-particle-cli-'));
    const run = await cli(['login', '--username', 'mfa@particle.rescue', ...lab], ['rescue-demo', '123456']);
    expect(run.err).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(run.asked).toEqual([
      { question: 'Password: ', secret: true },
      { question: 'One-time code from your authenticator app: ', secret: false },
    ]);
    expect(run.out).toMatch(/^Signed in to .* as mfa@particle\.rescue; the token is kept in memory for this command only/m);
  });

  it('refuses a wrong one-time code and a wrong password, signing nobody in', async () => {
    process.env.HOME = mkdtempSync(join(tmpdir(), 'no-particle-cli-'));
    const wrongCode = await cli(['login', '--username', 'mfa@particle.rescue', '--password-file', passwordFile('rescue-demo'), ...lab], ['000000']);
    expect(wrongCode.code).toBe(1);
    expect(wrongCode.err).toMatch(/^Error \(CLOUD_/m);
    const wrongPassword = await cli(['login', '--username', 'demo@particle.rescue', '--password-file', passwordFile('nope'), ...lab]);
    expect(wrongPassword.code).toBe(1);
    expect(wrongPassword.out).not.toMatch(/Signed in/);
  });

  it('without a terminal says what to pass instead of waiting for input', async () => {
    process.env.HOME = mkdtempSync(join(tmpdir(), 'no-particle-cli-'));
    const noTty = await cli(['login', ...lab]);
    expect(noTty.code).toBe(2);
    expect(noTty.err).toMatch(/^No terminal to ask for the account: pass --username <email> and --password-file <file>\./m);
    const mfa = await cli(['login', '--username', 'mfa@particle.rescue', '--password-file', passwordFile('rescue-demo'), ...lab]);
    expect(mfa.code).toBe(2);
    expect(mfa.err).toMatch(/multi-factor authentication: run `login` in a terminal/);
  });

  it('whoami tells who is signed in and where the token is; logout signs out', async () => {
    const who = await cli(['whoami', ...lab, '--json']);
    expect(who.code).toBe(0);
    expect(JSON.parse(who.out)).toMatchObject({ loggedIn: true, username: 'demo@particle.rescue', tokenStorage: 'memory' });
    const out = await cli(['logout', ...lab]);
    expect(out.code).toBe(0);
    expect(out.out).toMatch(/^Not signed in to /);
  });

  it("offers an installed Particle CLI's sign-in, and refuses it for another cloud, naming both", async () => {
    const home = mkdtempSync(join(tmpdir(), 'particle-cli-home-'));
    mkdirSync(join(home, '.particle'));
    writeFileSync(join(home, '.particle', 'particle.config.json'), JSON.stringify({ username: 'ada@example.com', access_token: 'abcdef0123456789' }));
    process.env.HOME = home;
    const offered = await cli(['login', ...lab], ['y']);
    expect(offered.asked[0].question).toBe('The Particle CLI is signed in as ada@example.com. Use that sign-in? [y/N] ');
    expect(offered.code).toBe(1);
    expect(offered.err).toMatch(/signed in to https:\/\/api\.particle\.io, but the active cloud profile is .*http:\/\/127\.0\.0\.1/);
    const declined = await cli(['login', ...lab], ['n', '']);
    expect(declined.code).toBe(2);
    expect(declined.asked.map((a) => a.question)).toEqual(['The Particle CLI is signed in as ada@example.com. Use that sign-in? [y/N] ', 'Email: ']);
  });
});
