import { useState } from 'react';
import type { DeviceSummary } from '../../../shared/domain';
import { findLedPattern } from '../../../shared/domain/led-catalog';
import { getApi } from '../api';
import { useGuarded } from '../app/use-guarded';
import { ErrorNotice } from './ErrorNotice';
import { LedSwatch } from './LedSwatch';

/** Photon and P1 label the button SETUP; every other board calls it MODE. */
export function modeButtonName(platformId: number): 'SETUP' | 'MODE' {
  return platformId === 6 || platformId === 8 ? 'SETUP' : 'MODE';
}

/**
 * Shown when software could not switch the device to DFU: the button dance as a looping animation
 * (CSS keyframes in app.css highlight one step after the other), with the LED to wait for.
 */
export function ButtonSequence({ device }: { device: Pick<DeviceSummary, 'deviceId' | 'platformId' | 'virtual'> }) {
  const mode = modeButtonName(device.platformId);
  const magenta = findLedPattern('blinking-magenta');
  const yellow = findLedPattern('blinking-yellow');
  const { problem, guard } = useGuarded();
  const [pressed, setPressed] = useState(false);

  const pressVirtual = () =>
    guard(async () => {
      const r = await getApi().call('lab.pressButtons', { deviceId: device.deviceId, hold: 'dfu' });
      setPressed(r.pressed);
    });

  return (
    <section className="button-sequence" data-testid="button-sequence" aria-labelledby="buttons-title">
      <h4 id="buttons-title">Please put the device in DFU mode with its buttons</h4>
      <div className="board" aria-hidden="true">
        <span className="board-button btn-mode">{mode}</span>
        <span className="board-button btn-reset">RESET</span>
      </div>
      <ol className="sequence-steps">
        <li className="seq-step seq-1">
          Press and hold <kbd>{mode}</kbd>.
        </li>
        <li className="seq-step seq-2">
          Tap <kbd>RESET</kbd> once, keep holding <kbd>{mode}</kbd>.
        </li>
        <li className="seq-step seq-3">
          {magenta && <LedSwatch led={magenta} label="Blinking magenta" size="sm" />} The LED blinks magenta: keep holding.
        </li>
        <li className="seq-step seq-4">
          {yellow && <LedSwatch led={yellow} label="Blinking yellow" size="sm" />} The LED blinks yellow: let go of <kbd>{mode}</kbd>.
        </li>
      </ol>
      <p className="muted">The rescue continues by itself as soon as the device shows up in DFU mode.</p>
      {device.virtual && (
        <button type="button" className="btn" data-testid="press-buttons-virtual" onClick={pressVirtual} disabled={pressed}>
          {pressed ? 'Buttons pressed (virtual)' : 'Press the buttons (virtual)'}
        </button>
      )}
      {problem && <ErrorNotice problem={problem} />}
    </section>
  );
}
