import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { findLedPattern } from '../../../shared/domain/led-catalog';
import { LedDetail } from './LedDetail';

describe('LedDetail: a plan from the LED alone', () => {
  it('plans a key repair for cyan with red flashes', () => {
    render(<LedDetail entry={findLedPattern('cyan-red-burst')!} />);
    expect(screen.getByTestId('led-diagnosis').textContent).toMatch(/keys need repair/);
    const steps = [...screen.getByTestId('led-plan').querySelectorAll('li')].map((li) => li.getAttribute('data-step'));
    expect(steps).toEqual(['enter-dfu', 'repair-keys', 'verify']);
  });

  it('leaves Wi-Fi to the user for listening mode, and plans nothing for breathing cyan', () => {
    const { unmount } = render(<LedDetail entry={findLedPattern('blinking-blue')!} />);
    expect(screen.getByTestId('led-plan').querySelector('[data-step="wifi"]')?.getAttribute('data-action')).toBe('manual');
    unmount();
    render(<LedDetail entry={findLedPattern('breathing-cyan')!} />);
    expect(screen.getByTestId('led-diagnosis').textContent).toMatch(/healthy/);
    expect(screen.queryByTestId('led-plan')).toBeNull();
  });
});
