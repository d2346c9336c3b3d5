import { useEffect, useState } from 'react';
import type { OperationLogEntry } from '../../../shared/domain';
import { getApi } from '../api';
import { toProblem, type Problem } from '../app/problem';
import { ErrorNotice } from '../components/ErrorNotice';
import { VirtualList } from '../components/VirtualList';

const KEEP = 5000;

/** The app's own log: every USB, DFU and cloud step with its timing, live. */
export function OperationLogPanel() {
  const [entries, setEntries] = useState<OperationLogEntry[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    const api = getApi();
    let alive = true;
    const off = api.on('operations.log', (batch) => setEntries((prev) => [...prev, ...batch.entries].slice(-KEEP)));
    api
      .call('operations.log', { limit: 500 })
      .then((r) => alive && setEntries((prev) => [...r.entries, ...prev].slice(-KEEP)))
      .catch((e) => alive && setProblem(toProblem(e)));
    return () => {
      alive = false;
      off();
    };
  }, []);

  return (
    <section className="panel operation-log" aria-labelledby="op-log-title">
      <h3 id="op-log-title">What the app did</h3>
      {problem && <ErrorNotice problem={problem} />}
      <VirtualList
        count={entries.length}
        rowHeight={22}
        height={420}
        label="Operation log"
        testId="operation-log"
        renderRow={(i) => {
          const e = entries[i];
          return (
            <div className={`log-line level-${e.level}`}>
              <span className="log-time-short">{e.at.slice(11, 19)}</span>
              <span className="log-area">{e.area}</span>
              <span className="log-message" title={e.message}>
                {e.message}
                {e.durationMs !== undefined ? ` (${Math.round(e.durationMs)} ms)` : ''}
              </span>
            </div>
          );
        }}
      />
    </section>
  );
}
