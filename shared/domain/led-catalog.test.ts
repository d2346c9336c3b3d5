import { describe, expect, it } from 'vitest';
import { LED_CATALOG, LED_GROUPS, findLedPattern, ledPickerGroups, sosPattern } from './led-catalog';

const LAB_IDS = [
  'breathing-cyan', 'blinking-cyan', 'cyan-red-burst', 'cyan-orange-burst-1', 'cyan-orange-burst-2', 'cyan-orange-burst-3',
  'cyan-magenta-burst', 'blinking-green', 'fast-blinking-green', 'breathing-green', 'blinking-blue', 'breathing-magenta',
  'blinking-magenta', 'blinking-yellow', 'breathing-white', 'breathing-blue', 'sos', 'off', 'rainbow', 'solid-magenta', 'dim-d7',
];

describe('LED catalogue', () => {
  it('knows every pattern the device lab reports', () => {
    for (const id of LAB_IDS) expect(findLedPattern(id), id).toBeDefined();
  });

  it('has unique ids, valid colours and known groups', () => {
    const ids = new Set(LED_CATALOG.map((e) => e.id));
    expect(ids.size).toBe(LED_CATALOG.length);
    for (const e of LED_CATALOG) {
      expect(e.color).toMatch(/^#[0-9a-f]{6}$/);
      expect(LED_GROUPS).toContain(e.group);
      expect(e.causes.length).toBeGreaterThan(0);
      expect(e.suggests.length).toBeGreaterThan(0);
      if (e.pattern === 'blink' || e.pattern === 'breathe') expect(e.periodMs).toBeGreaterThan(0);
    }
  });

  it('uses the Device OS timings for the key signals', () => {
    expect(findLedPattern('breathing-cyan')).toMatchObject({ pattern: 'breathe', periodMs: 4000 });
    expect(findLedPattern('blinking-blue')).toMatchObject({ pattern: 'blink', periodMs: 500 });
    expect(findLedPattern('blinking-yellow')).toMatchObject({ pattern: 'blink', periodMs: 200 });
    expect(findLedPattern('blinking-magenta')).toMatchObject({ pattern: 'blink', periodMs: 100 });
    expect(findLedPattern('cyan-orange-burst-3')?.burst).toEqual({ color: '#ff6000', count: 3 });
  });

  it('maps bursts to the right repair', () => {
    expect(findLedPattern('cyan-orange-burst-1')?.suggests).toContain('repair-keys');
    expect(findLedPattern('cyan-orange-burst-3')?.suggests).toContain('server-key');
    expect(findLedPattern('cyan-orange-burst-2')?.suggests).not.toContain('repair-keys');
  });

  it('offers all 15 SOS codes behind the generic SOS entry', () => {
    expect(sosPattern(8).sosCode).toBe(8);
    expect(sosPattern(null).id).toBe('sos');
    expect(sosPattern(99).id).toBe('sos');
    const faults = ledPickerGroups().find((g) => g.group === 'Faults');
    expect(faults?.entries.some((e) => e.id === 'sos')).toBe(true);
    expect(faults?.entries.some((e) => e.id === 'sos-8')).toBe(false);
  });
});
