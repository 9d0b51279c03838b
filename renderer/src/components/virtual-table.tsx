import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { cellShown, cellText, sortRows, type Column, type Sort } from '../ui/data-table';
import { copyText, tableText } from '../ui/copy';

export const ROW_HEIGHT = 26;

/** The rows of a table as tab-separated text or JSON (what the Copy buttons put on the clipboard). */
export function rowsAs<T>(json: boolean, columns: Column<T>[], rows: T[]): string {
  return json
    ? JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c) => [c.key, c.value(r) ?? null]))), null, 2)
    : tableText(columns.map((c) => c.label), rows.map((r) => columns.map((c) => cellText(c, r))));
}

const cellClass = <T,>(c: Column<T>): string | undefined => [c.numeric ? 'num' : '', c.className ?? ''].join(' ').trim() || undefined;

interface RowProps<T> {
  row: T;
  index: number;
  rowKey: string;
  columns: Column<T>[];
  className: string | undefined;
  tabbable: boolean;
  onFocusRow: (index: number) => void;
  onKeyRow: (e: KeyboardEvent<HTMLTableRowElement>, index: number) => void;
}

/**
 * One row, memoized: a scroll step re-renders the table, but only the rows that came into view are rendered; those
 * still in view keep their props (the handlers are stable, the class and tab stop are plain values) and are skipped.
 */
function RowView<T>({ row, index, rowKey, columns, className, tabbable, onFocusRow, onKeyRow }: RowProps<T>) {
  return (
    <tr
      data-index={index}
      data-key={rowKey}
      aria-rowindex={index + 2}
      className={className}
      style={{ height: ROW_HEIGHT }}
      tabIndex={tabbable ? 0 : -1}
      onFocus={() => onFocusRow(index)}
      onKeyDown={(e) => onKeyRow(e, index)}
    >
      {columns.map((c) => (
        <td key={c.key} className={cellClass(c)}>
          {cellShown(c, row)}
        </td>
      ))}
    </tr>
  );
}
const Row = memo(RowView) as typeof RowView;

/**
 * A table of thousands of rows: only the rows in view (and a few beyond) are in the DOM, between two spacer rows that
 * keep the scroll height, so an image's 10,000 fds or 4,000 sockets scroll like ten. Rows have one fixed height
 * (cells do not wrap). Sortable headers, arrow-key navigation, Copy as text / JSON of the rows it shows (all of
 * them, not only those in view). `focusKey` scrolls a row into view and marks it (a jump from a socket's peer).
 */
export function VirtualTable<T>({
  label,
  columns,
  rows,
  rowKey,
  toolbar,
  empty,
  focusKey,
  rowClass,
  initialSort,
  height = 420,
  onRowKey,
}: {
  label: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  toolbar?: ReactNode;
  empty?: ReactNode;
  focusKey?: string | undefined;
  rowClass?: (row: T) => string | undefined;
  initialSort?: Sort;
  /** The scrolling pane's largest height in pixels. */
  height?: number;
  /** A key on a row, before the table's own (arrows, pages, Home/End); true when it was handled (a tree's Left/Right). */
  onRowKey?: (row: T, e: KeyboardEvent<HTMLTableRowElement>) => boolean;
}) {
  const [sort, setSort] = useState<Sort | undefined>(initialSort);
  const [active, setActive] = useState(0);
  const sorted = useMemo(() => sortRows(rows, columns, sort), [rows, columns, sort]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: sorted.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    // A few rows beyond the pane: a scroll step of a screenful brings in a screenful of new rows either way, and each
    // row more in the DOM is layout work in every frame.
    overscan: 6,
    // Before layout (and where there is none, as in tests) the first screenful is still rendered.
    initialRect: { width: 800, height },
    // A scroll step renders in React's own batch, not synchronously inside the scroll event.
    useFlushSync: false,
  });
  // The columns' widths as the browser first laid them out (from the header and the first rows), then kept: with a
  // fixed table layout, rows coming into view no longer make the browser re-measure every cell of the table (the
  // layout cost of each scroll frame), and columns do not jump as rows of other widths scroll by (cells cut with …).
  const table = useRef<HTMLTableElement>(null);
  const [widths, setWidths] = useState<number[] | undefined>();
  const columnKeys = columns.map((c) => c.key).join('\n');
  useLayoutEffect(() => {
    setWidths(undefined);
  }, [columnKeys]);
  useLayoutEffect(() => {
    if (widths || !table.current) return;
    const measured = [...table.current.querySelectorAll('thead th')].map((th) => (th as HTMLElement).offsetWidth);
    // No layout (a hidden pane, tests): stay automatic.
    if (measured.length && measured.every((w) => w > 0)) setWidths(measured);
  });
  const focusIndex = useMemo(() => (focusKey === undefined ? -1 : sorted.findIndex((r) => rowKey(r) === focusKey)), [sorted, focusKey, rowKey]);
  // Rows have one height, so a row's place is known: the pane is scrolled there directly (the scroll event then
  // brings the row into the DOM).
  const scrollTo = (i: number, center: boolean): void => {
    const el = scroller.current;
    if (!el) return;
    const top = (i + 1) * ROW_HEIGHT; // below the header row
    if (center) el.scrollTop = Math.max(0, top - height / 2);
    else if (top < el.scrollTop + ROW_HEIGHT) el.scrollTop = top - ROW_HEIGHT;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };
  useEffect(() => {
    if (focusIndex < 0) return;
    setActive(focusIndex);
    scrollTo(focusIndex, true);
  }, [focusIndex]);

  const focusRow = (i: number): void => {
    const n = Math.max(0, Math.min(sorted.length - 1, i));
    setActive(n);
    scrollTo(n, false);
    // The row exists once the virtualizer has rendered it.
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLTableRowElement>(`tr[data-index="${n}"]`)?.focus());
  };
  const onKeyNow = (e: KeyboardEvent<HTMLTableRowElement>, i: number): void => {
    if (e.target !== e.currentTarget) return;
    if (onRowKey && sorted[i] !== undefined && onRowKey(sorted[i], e)) {
      e.preventDefault();
      return;
    }
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    if (e.key === 'ArrowDown') focusRow(i + 1);
    else if (e.key === 'ArrowUp') focusRow(i - 1);
    else if (e.key === 'PageDown') focusRow(i + page);
    else if (e.key === 'PageUp') focusRow(i - page);
    else if (e.key === 'Home') focusRow(0);
    else if (e.key === 'End') focusRow(sorted.length - 1);
    else return;
    e.preventDefault();
  };

  // Stable handlers for the memoized rows, calling this render's code.
  const onKeyRef = useRef(onKeyNow);
  onKeyRef.current = onKeyNow;
  const onKeyRow = useCallback((e: KeyboardEvent<HTMLTableRowElement>, i: number) => onKeyRef.current(e, i), []);

  const items = virtualizer.getVirtualItems();
  const tabStop = Math.min(active, sorted.length - 1);
  const padTop = items.length ? items[0]!.start : 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;
  return (
    <div className="data-table virtual-table">
      <div className="table-tools">
        {toolbar}
        <span className="spacer" />
        <span className="muted count">{`${sorted.length} rows`}</span>
        <button type="button" className="small" onClick={() => void copyText(rowsAs(false, columns, sorted))} disabled={!sorted.length} aria-label={`Copy ${label} as text`}>
          Copy as text
        </button>
        <button type="button" className="small" onClick={() => void copyText(rowsAs(true, columns, sorted))} disabled={!sorted.length} aria-label={`Copy ${label} as JSON`}>
          Copy as JSON
        </button>
      </div>
      {sorted.length === 0 ? (
        <div className="empty-state">{empty ?? <p className="muted">Nothing to show.</p>}</div>
      ) : (
        <div ref={scroller} className="table-scroll virtual-scroll" style={{ maxHeight: height }} data-rows={sorted.length}>
          <table ref={table} className="table compact" aria-label={label} aria-rowcount={sorted.length + 1} style={widths ? { tableLayout: 'fixed' } : undefined}>
            {widths && (
              <colgroup>
                {widths.map((w, i) => (
                  <col key={columns[i]?.key ?? i} style={{ width: w }} />
                ))}
              </colgroup>
            )}
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.key} className={c.numeric ? 'num' : undefined} aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                    <button
                      type="button"
                      className="th-sort"
                      onClick={() => setSort(sort?.key === c.key ? { key: c.key, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : { key: c.key, dir: 'asc' })}
                    >
                      {c.label}
                      <span aria-hidden className="sort-mark">
                        {sort?.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                      </span>
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {padTop > 0 && <tr aria-hidden className="spacer-row" style={{ height: padTop }} />}
              {items.map((v) => {
                const row = sorted[v.index]!;
                const key = rowKey(row);
                const classes = [rowClass?.(row), key === focusKey ? 'focused' : undefined].filter(Boolean).join(' ');
                return (
                  <Row
                    key={key}
                    row={row}
                    index={v.index}
                    rowKey={key}
                    columns={columns}
                    className={classes || undefined}
                    tabbable={v.index === tabStop}
                    onFocusRow={setActive}
                    onKeyRow={onKeyRow}
                  />
                );
              })}
              {padBottom > 0 && <tr aria-hidden className="spacer-row" style={{ height: padBottom }} />}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
