import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/**
 * Fixed-row-height windowing: only the rows in view (plus a small margin) exist in the DOM, so a
 * list of 200k lines costs the same as a list of 40. `follow` keeps the newest row in view while
 * the user is at the bottom; scrolling up stops following until they return.
 */
export function VirtualList({
  count,
  rowHeight,
  height,
  renderRow,
  label,
  testId,
  version = 0,
}: {
  count: number;
  rowHeight: number;
  height: number;
  renderRow: (index: number) => ReactNode;
  label: string;
  testId?: string;
  /** Changes when rows change content without the count changing (ring eviction). */
  version?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const atBottom = useRef(true);
  const overscan = 8;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !atBottom.current) return;
    el.scrollTop = count * rowHeight;
    setScrollTop(Math.max(0, count * rowHeight - height));
  }, [count, rowHeight, height, version]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    atBottom.current = el.scrollTop + height >= count * rowHeight - rowHeight;
    setScrollTop(el.scrollTop);
  };

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} role="listitem" className="vlist-row" style={{ top: i * rowHeight, height: rowHeight }}>
        {renderRow(i)}
      </div>,
    );
  }

  return (
    <div ref={box} className="vlist" style={{ height }} onScroll={onScroll} role="list" aria-label={label} tabIndex={0} data-testid={testId} data-count={count}>
      <div className="vlist-spacer" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
