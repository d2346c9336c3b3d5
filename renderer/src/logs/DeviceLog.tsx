import type { LogLevel } from '../../../shared/contract/logs';
import { getApi } from '../api';
import { downloadText } from '../app/download';
import { useGuarded } from '../app/use-guarded';
import { ErrorNotice } from '../components/ErrorNotice';
import { VirtualList } from '../components/VirtualList';
import { formatLogTime } from './log-store';
import { logStoreFor, startStreaming, stopStreaming, useStreaming } from './log-streams';
import { useLogStoreVersion } from './use-log-store';

const ROW_HEIGHT = 22;
const LEVELS: LogLevel[] = ['trace', 'info', 'warn', 'error', 'panic'];

export function DeviceLog({ deviceId }: { deviceId: string }) {
  const store = logStoreFor(deviceId);
  const version = useLogStoreVersion(store);
  const streamingPath = useStreaming((s) => s.streaming[deviceId]);
  const { problem, guard: act } = useGuarded();
  const filter = store.filter;

  const exportLog = () =>
    act(async () => {
      const file = await getApi().call('logs.export', { deviceId, filter });
      downloadText(file.fileName, file.content);
    });

  const category = filter.categories?.[0] ?? '';

  return (
    <section className="panel device-log" aria-labelledby="device-log-title">
      <h3 id="device-log-title">Device serial log</h3>
      <div className="toolbar" role="toolbar" aria-label="Device log controls">
        {streamingPath ? (
          <button type="button" className="btn" data-testid="logs-stop" onClick={() => act(() => stopStreaming(deviceId))}>
            Stop streaming
          </button>
        ) : (
          <button type="button" className="btn btn-primary" data-testid="logs-start" onClick={() => act(() => startStreaming(deviceId))}>
            Start streaming
          </button>
        )}
        <button
          type="button"
          className="btn"
          data-testid="logs-pause"
          aria-pressed={store.paused}
          onClick={() => (store.paused ? store.resume() : store.pause())}
        >
          {store.paused ? `Resume (${store.heldCount} new)` : 'Pause'}
        </button>
        <label className="field-inline">
          <span>Level at least</span>
          <select
            data-testid="logs-level"
            value={filter.minLevel ?? 'trace'}
            onChange={(e) => store.setFilter({ ...filter, minLevel: e.target.value as LogLevel })}
          >
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>Category</span>
          <select
            data-testid="logs-category"
            value={category}
            onChange={(e) => store.setFilter({ ...filter, categories: e.target.value ? [e.target.value] : undefined })}
          >
            <option value="">All categories</option>
            {store.categories().map((c) => (
              <option key={c} value={c}>
                {c || '(none)'}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>Text</span>
          <input
            type="search"
            data-testid="logs-text"
            value={filter.text ?? ''}
            maxLength={256}
            onChange={(e) => store.setFilter({ ...filter, text: e.target.value || undefined })}
          />
        </label>
        <button type="button" className="btn" data-testid="logs-export" onClick={exportLog}>
          Export to file
        </button>
      </div>
      {problem && <ErrorNotice problem={problem} />}
      <p className="muted" data-testid="logs-summary" aria-live="polite">
        {streamingPath ? `Streaming from ${streamingPath}. ` : 'Not streaming. '}
        Showing {store.count.toLocaleString()} of {store.size.toLocaleString()} lines (keeps the newest {store.capacity.toLocaleString()}).
      </p>
      <div className="log-header" aria-hidden="true">
        <span className="log-time">Time</span>
        <span className="log-level">Level</span>
        <span className="log-category">Category</span>
        <span className="log-message">Message</span>
      </div>
      <VirtualList
        count={store.count}
        version={version}
        rowHeight={ROW_HEIGHT}
        height={420}
        label="Device log lines"
        testId="logs-list"
        renderRow={(i) => {
          const line = store.lineAt(i);
          return (
            <div className={`log-line level-${line.level}`} data-testid="log-line" data-level={line.level} data-category={line.category}>
              <span className="log-time">{formatLogTime(line)}</span>
              <span className="log-level">{line.level}</span>
              <span className="log-category">{line.category}</span>
              <span className="log-message" title={line.message}>
                {line.message}
              </span>
            </div>
          );
        }}
      />
    </section>
  );
}
