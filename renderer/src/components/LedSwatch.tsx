import { useEffect, useRef } from 'react';
import type { LedCatalogEntry } from '../../../shared/domain/led-catalog';
import { ledKeyframes, ledSegments } from '../led/led-timeline';

type SwatchLed = Pick<LedCatalogEntry, 'color' | 'pattern' | 'periodMs' | 'burst' | 'sosCode'>;

/**
 * An animated status LED with the Device OS timings. Web Animations run on the compositor and
 * need no injected <style>, which keeps the strict CSP; reduced-motion users get a still swatch.
 */
export function LedSwatch({ led, label, size = 'md' }: { led: SwatchLed; label: string; size?: 'sm' | 'md' | 'lg' }) {
  const dot = useRef<HTMLSpanElement>(null);
  const { keyframes, durationMs } = ledKeyframes(ledSegments(led));
  // The animation restarts only when the pattern itself changes, not on every render.
  const patternKey = JSON.stringify(keyframes);

  useEffect(() => {
    const el = dot.current;
    if (!el || typeof el.animate !== 'function') return;
    const still = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (still) return;
    const animation = el.animate(JSON.parse(patternKey) as Keyframe[], {
      duration: durationMs,
      iterations: Infinity,
    });
    return () => animation.cancel();
  }, [patternKey, durationMs]);

  const first = keyframes[0];
  return (
    <span
      className={`led-swatch led-${size}`}
      role="img"
      aria-label={label}
      data-pattern={led.pattern}
      data-period-ms={led.periodMs}
      data-color={led.color}
    >
      <span ref={dot} className="led-dot" style={{ backgroundColor: first?.backgroundColor, opacity: first?.opacity }} />
    </span>
  );
}
