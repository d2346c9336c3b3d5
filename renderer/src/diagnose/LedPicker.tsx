import { findLedPattern, ledPickerGroups, SOS_CODES } from '../../../shared/domain/led-catalog';
import { LedSwatch } from '../components/LedSwatch';
import { LedDetail } from './LedDetail';

const GROUPS = ledPickerGroups();

/**
 * "What is your LED doing?": every pattern as a live swatch, grouped, as one radio group so arrow
 * keys move between patterns. The numbered SOS codes are picked after choosing "Red SOS".
 */
export function LedPicker({ value, onChange }: { value: string | null; onChange: (id: string) => void }) {
  const selected = value ? findLedPattern(value) : undefined;
  const baseId = selected?.pattern === 'sos' ? 'sos' : value;
  return (
    <div className="led-picker" data-testid="led-picker">
      <div className="led-groups">
        {GROUPS.map(({ group, entries }) => (
          <fieldset key={group} className="led-group">
            <legend>{group}</legend>
            <div className="led-options">
              {entries.map((e) => (
                <label key={e.id} className={`led-option${baseId === e.id ? ' selected' : ''}`} data-testid={`led-option-${e.id}`}>
                  <input type="radio" name="led-pattern" value={e.id} checked={baseId === e.id} onChange={() => onChange(e.id)} />
                  <LedSwatch led={e} label={`${e.title} (animated)`} size="sm" />
                  <span className="led-option-title">{e.title}</span>
                </label>
              ))}
            </div>
          </fieldset>
        ))}
      </div>
      {selected && (
        <div className="led-selected">
          {selected.pattern === 'sos' && (
            <label className="field">
              <span>Count the slow red blinks between the SOS signals</span>
              <select
                data-testid="sos-code"
                value={selected.sosCode ?? ''}
                onChange={(ev) => onChange(ev.target.value ? `sos-${ev.target.value}` : 'sos')}
              >
                <option value="">I could not count them</option>
                {SOS_CODES.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.code} — {s.fault}
                  </option>
                ))}
              </select>
            </label>
          )}
          <LedDetail entry={selected} />
        </div>
      )}
    </div>
  );
}
