import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RichText } from './RichText';

describe('RichText', () => {
  it('shows `commands` as code and leaves the rest as text', () => {
    const { container } = render(<RichText text="Run `particle serial wifi` then `particle usb setup-done`." />);
    expect([...container.querySelectorAll('code')].map((c) => c.textContent)).toEqual(['particle serial wifi', 'particle usb setup-done']);
    expect(container.textContent).toBe('Run particle serial wifi then particle usb setup-done.');
  });

  it('keeps an unpaired backtick as text and never interprets markup', () => {
    const { container } = render(<RichText text="odd ` tick <b>bold</b>" />);
    expect(container.querySelector('code')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.textContent).toBe('odd ` tick <b>bold</b>');
  });
});
