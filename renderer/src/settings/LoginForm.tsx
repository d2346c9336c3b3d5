import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { CloudSession } from '../../../shared/contract/cloud';
import { getApi } from '../api';
import { toProblem, type Problem } from '../app/problem';
import { ErrorNotice } from '../components/ErrorNotice';

/** Password login with the one-time-code step, or a pasted access token. */
export function LoginForm({ onSession }: { onSession: (s: CloudSession) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [otp, setOtp] = useState('');
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const otpField = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  const cameBack = useRef(false);
  // The code field takes focus when it appears; going back puts focus on the password (the email is kept).
  // After the current key event: an Enter that pressed "Back" must not also submit the password form.
  useEffect(() => {
    if (mfaToken) otpField.current?.focus();
    else if (cameBack.current) {
      const timer = setTimeout(() => passwordField.current?.focus(), 0);
      return () => clearTimeout(timer);
    }
  }, [mfaToken]);
  const backToPassword = () => {
    cameBack.current = true;
    setMfaToken(null);
    setOtp('');
    setProblem(null);
  };

  const submit = (fn: () => Promise<void>) => async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await fn();
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };

  const login = submit(async () => {
    const r = await getApi().call('cloud.login', { username, password });
    setPassword('');
    if (r.status === 'mfa-required') setMfaToken(r.mfaToken);
    else onSession(r.session);
  });

  const finishMfa = submit(async () => {
    if (!mfaToken) return;
    const r = await getApi().call('cloud.loginMfa', { mfaToken, otp });
    if (r.status === 'ok') {
      setMfaToken(null);
      onSession(r.session);
    }
  });

  const useToken = submit(async () => {
    onSession(await getApi().call('cloud.setToken', { token: token.trim() }));
    setToken('');
  });

  return (
    <div className="login">
      {mfaToken ? (
        <form key="mfa" onSubmit={finishMfa} aria-label="One-time code" data-testid="mfa-form">
          <label className="field">
            <span>6-digit code from your authenticator app</span>
            <input
              ref={otpField}
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              required
              value={otp}
              onChange={(e) => setOtp(e.target.value)}
              data-testid="mfa-otp"
            />
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="mfa-submit">
            Confirm
          </button>
          <button type="button" className="btn" onClick={backToPassword} data-testid="mfa-back">
            Back to email and password
          </button>
        </form>
      ) : (
        <form key="password" onSubmit={login} aria-label="Log in" data-testid="login-form">
          <label className="field">
            <span>Email</span>
            <input
              type="email"
              autoComplete="username"
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              data-testid="login-username"
            />
          </label>
          <label className="field">
            <span>Password</span>
            <input
              ref={passwordField}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="login-password"
            />
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="login-submit">
            Log in
          </button>
        </form>
      )}
      <form onSubmit={useToken} aria-label="Use an access token" data-testid="token-form">
        <label className="field">
          <span>…or paste an access token</span>
          <input type="password" autoComplete="off" minLength={20} required value={token} onChange={(e) => setToken(e.target.value)} data-testid="token-input" />
        </label>
        <button type="submit" className="btn" disabled={busy}>
          Use token
        </button>
      </form>
      {problem && <ErrorNotice problem={problem} />}
    </div>
  );
}
