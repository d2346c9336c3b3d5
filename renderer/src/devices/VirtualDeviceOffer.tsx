import { useEffect, useState } from 'react';
import { create } from 'zustand';
import type { z } from 'zod';
import type { ScenarioInfoSchema } from '../../../shared/contract/lab';
import { getApi } from '../api';
import { toProblem, type Problem } from '../app/problem';
import { ErrorNotice } from '../components/ErrorNotice';

type Scenario = z.infer<typeof ScenarioInfoSchema>;

/** Demo and training: plug in a simulated device. Always labelled as virtual. */
export function VirtualDeviceOffer({ prominent }: { prominent: boolean }) {
  const [scenarios, setScenarios] = useState<Scenario[]>([]);
  const [name, setName] = useState('');
  const [fast, setFast] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [attached, setAttached] = useState<string | null>(null);

  useEffect(() => {
    getApi()
      .call('lab.scenarios', {})
      .then((r) => {
        setScenarios(r.scenarios);
        setName((n) => n || r.scenarios[0]?.name || '');
      })
      .catch((e) => setProblem(toProblem(e)));
  }, []);

  const attach = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const r = await getApi().call('lab.attach', { scenario: name, timing: fast ? 'fast' : 'realistic' });
      setAttached(r.device.deviceId);
      useLastAttached.setState({ deviceId: r.device.deviceId });
      focusNewCard(r.device.deviceId);
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };

  const chosen = scenarios.find((s) => s.name === name);
  // Without the device lab (a real-hardware build) there is nothing to offer here.
  if (!prominent && problem && scenarios.length === 0) return null;
  return (
    <section className={`panel virtual-offer${prominent ? ' prominent' : ''}`} data-testid="virtual-offer" aria-labelledby="virtual-offer-title">
      <h3 id="virtual-offer-title">{prominent ? 'No device plugged in? Try a virtual one' : 'Plug in a virtual device (demo)'}</h3>
      <p className="muted">
        Virtual devices are simulated by Particle Rescue for demos and training. They are always marked "Virtual device (demo)"
        and nothing real is changed.
      </p>
      <label className="field">
        <span>Scenario</span>
        <select data-testid="scenario-select" value={name} onChange={(e) => setName(e.target.value)}>
          {scenarios.map((s) => (
            <option key={s.name} value={s.name}>
              {s.title} ({s.name})
            </option>
          ))}
        </select>
      </label>
      {chosen && <p className="scenario-description">{chosen.description}</p>}
      <label className="field-check">
        <input type="checkbox" data-testid="scenario-fast" checked={fast} onChange={(e) => setFast(e.target.checked)} />
        <span>Fast timing (skip the realistic waits)</span>
      </label>
      <button type="button" className="btn btn-primary" data-testid="attach-virtual" disabled={!name || busy} onClick={attach}>
        Plug in virtual device
      </button>
      {attached && !prominent && (
        <p role="status" data-testid="attached-virtual" data-device-id={attached}>
          Virtual device {attached} plugged in.
        </p>
      )}
      {problem && <ErrorNotice problem={problem} />}
    </section>
  );
}

/** The virtual device plugged in last: the Devices view announces it (the first offer disappears once a device is there). */
export const useLastAttached = create<{ deviceId: string | null }>(() => ({ deviceId: null }));

/** Focus goes to the new device's main action once its card is on screen (the list updates by event). */
function focusNewCard(deviceId: string, triesLeft = 40): void {
  const button = document.querySelector<HTMLElement>(`[data-testid="device-card-${deviceId}"] [data-testid="rescue-device"]`);
  if (button) button.focus();
  else if (triesLeft > 0) setTimeout(() => focusNewCard(deviceId, triesLeft - 1), 50);
}
