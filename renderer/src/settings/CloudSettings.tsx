import { useEffect, useState } from 'react';
import type { CloudProfile, CloudSession } from '../../../shared/contract/cloud';
import { getApi } from '../api';
import { useGuarded } from '../app/use-guarded';
import { ErrorNotice } from '../components/ErrorNotice';
import { ExternalLink } from '../components/ExternalLink';
import { LoginForm } from './LoginForm';

const KIND_TEXT: Record<CloudProfile['kind'], string> = { particle: 'Particle Cloud', private: 'Private cloud', virtual: 'Virtual cloud (demo)' };

export function CloudSettings() {
  const [profiles, setProfiles] = useState<CloudProfile[]>([]);
  const [activeId, setActiveId] = useState('');
  const [session, setSession] = useState<CloudSession | null>(null);
  const { problem, guard } = useGuarded();

  useEffect(() => {
    void guard(async () => {
      const api = getApi();
      const [p, s] = await Promise.all([api.call('cloud.profiles', {}), api.call('cloud.session', {})]);
      setProfiles(p.profiles);
      setActiveId(p.activeId);
      setSession(s);
    });
  }, [guard]);

  const useProfile = (profileId: string) =>
    guard(async () => {
      setSession(await getApi().call('cloud.useProfile', { profileId }));
      setActiveId(profileId);
    });

  const logout = () => guard(async () => setSession(await getApi().call('cloud.logout', {})));

  return (
    <section className="panel" data-testid="cloud-settings" aria-labelledby="cloud-title">
      <h3 id="cloud-title">Cloud</h3>
      <label className="field">
        <span>Cloud profile</span>
        <select data-testid="cloud-profile" value={activeId} onChange={(e) => void useProfile(e.target.value)}>
          {profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} — {KIND_TEXT[p.kind]}
            </option>
          ))}
        </select>
      </label>
      {session && (
        <p role="status" data-testid="cloud-session" data-logged-in={session.loggedIn}>
          {session.loggedIn ? `Logged in as ${session.username ?? 'a token user'}.` : 'Not logged in.'}{' '}
          {session.tokenStorage === 'memory' ? 'The token is kept in memory only (forgotten when the app closes).' : 'The token is stored encrypted by the operating system.'}
          {session.queuedUploads > 0 ? ` ${session.queuedUploads} key upload(s) wait to be sent.` : ''}
        </p>
      )}
      {session?.loggedIn ? (
        <button type="button" className="btn" data-testid="cloud-logout" onClick={() => void logout()}>
          Log out
        </button>
      ) : (
        <LoginForm onSession={setSession} />
      )}
      <p className="muted">
        Manage devices and tokens in the <ExternalLink href="https://console.particle.io/">Particle Console</ExternalLink>.
      </p>
      {problem && <ErrorNotice problem={problem} />}
    </section>
  );
}
