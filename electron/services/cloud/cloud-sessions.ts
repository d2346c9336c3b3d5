import { z } from 'zod';
import type { TokenVault } from './token-vault';

const SessionsSchema = z.object({
  version: z.literal(1),
  sessions: z.record(z.string(), z.object({ token: z.string(), username: z.string().nullable() })),
});

export interface StoredSession {
  token: string;
  username: string | null;
}

/** One access token per cloud profile, all kept together in the vault (encrypted as one blob). */
export class CloudSessions {
  private sessions: Record<string, StoredSession> | null = null;

  constructor(private readonly vault: TokenVault) {}

  async get(profileId: string): Promise<StoredSession | null> {
    return (await this.all())[profileId] ?? null;
  }

  async set(profileId: string, session: StoredSession): Promise<void> {
    const sessions = { ...(await this.all()), [profileId]: session };
    await this.vault.save(JSON.stringify({ version: 1, sessions }));
    this.sessions = sessions;
  }

  async forget(profileId: string): Promise<void> {
    const { [profileId]: _gone, ...rest } = await this.all();
    if (Object.keys(rest).length === 0) await this.vault.clear();
    else await this.vault.save(JSON.stringify({ version: 1, sessions: rest }));
    this.sessions = rest;
  }

  private async all(): Promise<Record<string, StoredSession>> {
    if (this.sessions) return this.sessions;
    const stored = await this.vault.load();
    let parsed: unknown = null;
    try {
      parsed = stored ? JSON.parse(stored) : null;
    } catch {
      // An unreadable vault means no session: the user logs in again.
    }
    const result = SessionsSchema.safeParse(parsed);
    this.sessions = result.success ? result.data.sessions : {};
    return this.sessions;
  }
}
