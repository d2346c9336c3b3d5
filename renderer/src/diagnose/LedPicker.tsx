import { useState } from 'react';
import { findLedPattern, LED_COLORS, ledPickerGroups, SOS_CODES, type LedCatalogEntry } from '../../../shared/domain/led-catalog';
import { LedSwatch } from '../components/LedSwatch';
import { LedDetail } from './LedDetail';

const GROUPS = ledPickerGroups();

/** "Which colour do you see?" narrows the list; bursts count for both their colours. */
const COLOR_CHOICES: { name: string; hex: string | null }[] = [
  { name: 'Cyan', hex: LED_COLORS.cyan },
  { name: 'Green', hex: LED_COLORS.green },
  { name: 'Blue', hex: LED_COLORS.blue },
  { name: 'Magenta', hex: LED_COLORS.magenta },
  { name: 'Yellow', hex: LED_COLORS.yellow },
  { name: 'White', hex: LED_COLORS.white },
  { name: 'Red', hex: LED_COLORS.red },
  { name: 'Orange', hex: LED_COLORS.orange },
  { name: 'Nothing / dim', hex: null },
];

export function showsColor(entry: LedCatalogEntry, hex: string | null): boolean {
  if (hex === null) return entry.pattern === 'off' || entry.color === LED_COLORS.gray;
  return entry.color === hex || entry.burst?.color === hex || (entry.pattern === 'rainbow' && hex !== LED_COLORS.white);
}

/**
 * "What is your LED doing?": every pattern as a live swatch, grouped, as one radio group so arrow
 * keys move between patterns. The numbered SOS codes are picked after choosing "Red SOS".
 */
export function LedPicker({ value, onChange }: { value: string | null; onChange: (id: string) => void }) {
  const [color, setColor] = useState<string | null | undefined>(undefined);
  const selected = value ? findLedPattern(value) : undefined;
  const baseId = selected?.pattern === 'sos' ? 'sos' : value;
  const groups = GROUPS.map((g) => ({ ...g, entries: color === undefined ? g.entries : g.entries.filter((e) => showsColor(e, color)) })).filter(
    (g) => g.entries.length > 0,
  );
  return (
    <div className="led-picker" data-testid="led-picker">
      <div className="toolbar" role="group" aria-label="Which colour do you see?">
        <span>Which colour do you see?</span>
        {COLOR_CHOICES.map((c) => (
          <button
            key={c.name}
            type="button"
            className="btn btn-small color-chip"
            aria-pressed={color === c.hex}
            data-testid={`led-color-${c.name.split(' ')[0].toLowerCase()}`}
            onClick={() => setColor(color === c.hex ? undefined : c.hex)}
          >
            {c.name}
          </button>
        ))}
        {color !== undefined && (
          <button type="button" className="btn btn-small" onClick={() => setColor(undefined)}>
            Show all
          </button>
        )}
      </div>
      <div className="led-groups">
        {groups.map(({ group, entries }) => (
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
