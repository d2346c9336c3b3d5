import { useEffect, useRef, type ReactNode } from 'react';

/** A heading that takes keyboard focus when it appears, so screen readers hear the new step. */
export function FocusHeading({ level = 2, children, testId, focusKey }: { level?: 2 | 3; children: ReactNode; testId?: string; focusKey?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [focusKey]);
  const Tag = level === 2 ? 'h2' : 'h3';
  return (
    <Tag ref={ref} tabIndex={-1} className="focus-heading" data-testid={testId}>
      {children}
    </Tag>
  );
}
