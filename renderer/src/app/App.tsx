import { useEffect, useState } from 'react';
import { getApi } from '../api';
import { BackupsView } from '../backups/BackupsView';
import { ErrorNotice } from '../components/ErrorNotice';
import { DevicesView } from '../devices/DevicesView';
import { wireLogEvents } from '../logs/log-streams';
import { LogsView } from '../logs/LogsView';
import { ReportsView } from '../reports/ReportsView';
import { SettingsView } from '../settings/SettingsView';
import { RescueView } from '../wizard/RescueView';
import { READ_ONLY_HINT, useAppInfo } from './app-info';
import { useConnection } from '../api/connection';
import { refreshDevices, useDevices, watchDevices } from './devices-store';
import { go, useNav, VIEWS, type ViewId } from './nav-store';
import { recheckOperations, wireOperationEvents } from './operations';
import { toProblem, type Problem } from './problem';

const VIEW_COMPONENTS: Record<ViewId, () => React.JSX.Element> = {
  devices: DevicesView,
  rescue: RescueView,
  logs: LogsView,
  reports: ReportsView,
  backups: BackupsView,
  settings: SettingsView,
};

export function App() {
  const view = useNav((s) => s.view);
  const info = useAppInfo((s) => s.info);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    let api;
    try {
      api = getApi();
    } catch (error) {
      setProblem(toProblem(error));
      return;
    }
    wireOperationEvents(api);
    wireLogEvents(api);
    api
      .call('app.info', {})
      .then((value) => useAppInfo.setState({ info: value }))
      .catch((e) => setProblem(toProblem(e)));
    return watchDevices(api);
  }, []);

  // After the host comes back: reload what the screens show and ask for outcomes missed meanwhile.
  const connection = useConnection();
  useEffect(() => {
    if (connection.generation === 0) return;
    const api = getApi();
    void refreshDevices(api);
    recheckOperations(api);
    api
      .call('app.info', {})
      .then((value) => {
        useAppInfo.setState({ info: value });
        // A start-up failure that came from the lost connection is over now.
        setProblem(null);
      })
      .catch(() => undefined);
  }, [connection.generation]);
  const stale = connection.state === 'lost';

  const devicesLoaded = useDevices((s) => s.loaded);
  useEffect(() => {
    // The first screen is usable once the device list is in: the e2e bench reads this mark.
    if (!devicesLoaded || document.documentElement.dataset.ready) return;
    document.documentElement.dataset.ready = 'true';
    performance.mark('particle-rescue:interactive');
  }, [devicesLoaded]);

  const View = VIEW_COMPONENTS[view];
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <h1>Particle Rescue</h1>
        {info && (
          <span className="muted" data-testid="app-info">
            v{info.version} · {info.transport === 'browser' ? 'browser mode' : 'desktop'}
            {info.readOnly ? ' · read-only rescue station' : ''}
          </span>
        )}
        <nav aria-label="Main">
          <ul className="nav">
            {VIEWS.map((v) => (
              <li key={v.id}>
                <button type="button" className="nav-button" data-testid={`nav-${v.id}`} aria-current={v.id === view ? 'page' : undefined} onClick={() => go(v.id)}>
                  {v.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      {info?.readOnly && (
        <p className="notice notice-warn" role="status">
          {READ_ONLY_HINT}
        </p>
      )}
      {stale && (
        <div className="notice notice-error host-lost" role="alert" data-testid="host-lost">
          <p>
            <strong>The connection to the rescue host was lost.</strong> Reconnecting by itself (attempt {connection.attempt}
            {connection.nextInMs !== null ? `, next try within ${Math.ceil(connection.nextInMs / 1000)} s` : ''}).
          </p>
          <p>
            What you see below is from before the connection was lost and may be out of date. If the rescue host was stopped, start it again and
            open the new address it prints.
          </p>
        </div>
      )}
      <main id="main" className={`app-main${stale ? ' stale' : ''}`} data-stale={stale ? 'true' : undefined} aria-busy={stale || undefined}>
        {problem ? <ErrorNotice problem={problem} testId="app-error" /> : <View />}
      </main>
    </div>
  );
}
