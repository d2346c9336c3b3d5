import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { LED_GROUPS } from '../../../shared/domain/led-catalog';
import { LedPicker } from './LedPicker';

function Harness({ initial = null }: { initial?: string | null }) {
  const [value, setValue] = useState<string | null>(initial);
  return (
    <>
      <LedPicker value={value} onChange={setValue} />
      <output data-testid="value">{value ?? ''}</output>
    </>
  );
}

describe('LedPicker', () => {
  it('shows every group with animated swatches of the patterns', () => {
    render(<Harness />);
    for (const group of LED_GROUPS) expect(screen.getByRole('group', { name: group })).toBeTruthy();
    const cyan = screen.getByTestId('led-option-breathing-cyan');
    const swatch = cyan.querySelector('[role="img"]');
    expect(swatch?.getAttribute('data-pattern')).toBe('breathe');
    expect(swatch?.getAttribute('data-period-ms')).toBe('4000');
    expect(screen.getByTestId('led-option-cyan-orange-burst-3')).toBeTruthy();
    // The numbered SOS codes hide behind the one SOS entry.
    expect(screen.queryByTestId('led-option-sos-8')).toBeNull();
  });

  it('explains the chosen pattern: meaning, causes and what helps', () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole('radio', { name: /Blinking dark blue/ }));
    expect(screen.getByTestId('value').textContent).toBe('blinking-blue');
    const detail = screen.getByTestId('led-detail');
    expect(detail.getAttribute('data-pattern-id')).toBe('blinking-blue');
    expect(detail.textContent).toMatch(/Listening mode/);
    expect(screen.getByTestId('led-remedy').textContent).toMatch(/Wi-Fi credentials/);
  });

  it('lets the user count the SOS blinks to get the exact fault', () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole('radio', { name: /^Red SOS/ }));
    fireEvent.change(screen.getByTestId('sos-code'), { target: { value: '8' } });
    expect(screen.getByTestId('value').textContent).toBe('sos-8');
    expect(screen.getByTestId('led-detail').textContent).toMatch(/Out of heap memory/);
    // The SOS radio stays checked for a numbered code.
    expect((screen.getByRole('radio', { name: /^Red SOS/ }) as HTMLInputElement).checked).toBe(true);
  });

  it('narrows the patterns to the colour the user sees', () => {
    render(<Harness />);
    fireEvent.click(screen.getByTestId('led-color-orange'));
    const shown = screen.getAllByRole('radio').map((r) => (r as HTMLInputElement).value);
    expect(shown.sort()).toEqual(['cyan-orange-burst-1', 'cyan-orange-burst-2', 'cyan-orange-burst-3', 'rainbow']);
    fireEvent.click(screen.getByTestId('led-color-nothing'));
    expect(screen.getAllByRole('radio').map((r) => (r as HTMLInputElement).value)).toEqual(['power-off', 'off', 'dim-d7']);
    fireEvent.click(screen.getByText('Show all'));
    expect(screen.getAllByRole('radio').length).toBeGreaterThan(30);
  });

  it('is one radio group, so the keyboard moves between patterns', () => {
    render(<Harness initial="breathing-green" />);
    const radios = screen.getAllByRole('radio') as HTMLInputElement[];
    expect(new Set(radios.map((r) => r.name)).size).toBe(1);
    expect(radios.filter((r) => r.checked).map((r) => r.value)).toEqual(['breathing-green']);
  });
});
