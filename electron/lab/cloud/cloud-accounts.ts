import { randomBytes } from 'node:crypto';
import { CloudHttpError } from './cloud-http';

export interface CloudAccount {
  username: string;
  password: string;
  /** One-time code the account's "authenticator" accepts; undefined = no MFA. */
  otp?: string;
}

export const DEMO_ACCOUNT: CloudAccount = { username: 'demo@particle.rescue', password: 'rescue-demo' };
export const MFA_ACCOUNT: CloudAccount = { username: 'mfa@particle.rescue', password: 'rescue-demo', otp: '123456' };

/** OAuth clients the real cloud knows for its own tools (the CLI and particle-api-js). */
const CLIENTS: Record<string, string> = { particle: 'particle', 'particle-api': 'particle-api' };

const TOKEN_LIFETIME_S = 7_776_000;
const MFA_TOKEN_LIFETIME_MS = 5 * 60_000;

/** Users, access tokens and pending MFA logins of the virtual cloud, all in memory. */
export class CloudAccounts {
  private readonly accounts = new Map<string, CloudAccount>();
  private readonly tokens = new Map<string, string>();
  private readonly mfaTokens = new Map<string, { username: string; expiresAt: number }>();

  constructor(private readonly now: () => number) {
    this.addAccount(DEMO_ACCOUNT);
    this.addAccount(MFA_ACCOUNT);
  }

  addAccount(account: CloudAccount): void {
    this.accounts.set(account.username.toLowerCase(), { ...account });
  }

  /** Accounts (not tokens: every client of a saved lab signs in again). */
  exportAccounts(): CloudAccount[] {
    return [...this.accounts.values()].map((a) => ({ ...a }));
  }

  /** A valid access token for a user, without a login round trip (tests, the lab's demo mode). */
  createToken(username: string): string {
    if (!this.accounts.has(username.toLowerCase())) throw new Error(`No virtual cloud account ${username}.`);
    const token = randomBytes(20).toString('hex');
    this.tokens.set(token, username.toLowerCase());
    return token;
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  userOfToken(token: string | null): string {
    if (!token) throw new CloudHttpError(401, 'invalid_token', 'The access token was not found.');
    const user = this.tokens.get(token);
    if (!user) throw new CloudHttpError(401, 'invalid_token', 'The access token provided is invalid.');
    return user;
  }

  checkClient(id: string | undefined, secret: string | undefined): void {
    if (!id || CLIENTS[id] === undefined || CLIENTS[id] !== secret) {
      throw new CloudHttpError(401, 'invalid_client', 'Client authentication failed.');
    }
  }

  /** `grant_type=password`: a token, or 403 mfa_required with a short-lived mfa_token. */
  passwordGrant(username: string | undefined, password: string | undefined): Record<string, unknown> {
    if (!username || !password) throw new CloudHttpError(400, 'invalid_request', 'Missing username or password.');
    const account = this.accounts.get(username.toLowerCase());
    if (!account || account.password !== password) {
      throw new CloudHttpError(400, 'invalid_grant', 'User credentials are invalid.');
    }
    if (account.otp !== undefined) {
      const mfaToken = randomBytes(24).toString('hex');
      this.mfaTokens.set(mfaToken, { username: account.username.toLowerCase(), expiresAt: this.now() + MFA_TOKEN_LIFETIME_MS });
      throw new CloudHttpError(403, 'mfa_required', 'Multi-factor authentication required.', { mfa_token: mfaToken });
    }
    return this.tokenResponse(account.username);
  }

  /** `grant_type=urn:custom:mfa-otp`: the second step of an MFA login. */
  otpGrant(mfaToken: string | undefined, otp: string | undefined): Record<string, unknown> {
    const pending = mfaToken ? this.mfaTokens.get(mfaToken) : undefined;
    if (!pending || pending.expiresAt < this.now()) {
      throw new CloudHttpError(400, 'invalid_grant', 'This MFA login is unknown or has expired. Log in again.');
    }
    const account = this.accounts.get(pending.username);
    if (!account || account.otp !== otp) throw new CloudHttpError(400, 'invalid_grant', 'Invalid one-time code.');
    this.mfaTokens.delete(mfaToken as string);
    return this.tokenResponse(account.username);
  }

  private tokenResponse(username: string): Record<string, unknown> {
    return {
      token_type: 'bearer',
      access_token: this.createToken(username),
      expires_in: TOKEN_LIFETIME_S,
      refresh_token: randomBytes(20).toString('hex'),
    };
  }
}
