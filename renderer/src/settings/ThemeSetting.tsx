import { setTheme, useTheme, type ThemeChoice } from './theme';

const CHOICES: { id: ThemeChoice; label: string }[] = [
  { id: 'system', label: 'Same as the system' },
  { id: 'light', label: 'Light' },
  { id: 'dark', label: 'Dark' },
];

export function ThemeSetting() {
  const theme = useTheme((s) => s.theme);
  return (
    <fieldset className="panel" data-testid="theme-setting">
      <legend>Appearance</legend>
      {CHOICES.map((c) => (
        <label key={c.id} className="field-check">
          <input type="radio" name="theme" value={c.id} checked={theme === c.id} onChange={() => setTheme(c.id)} data-testid={`theme-${c.id}`} />
          <span>{c.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
