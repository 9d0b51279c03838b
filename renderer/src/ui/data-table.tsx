import { useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { escapeControl } from '../../../shared/text/escape';
import { copyText, tableText } from './copy';

export interface Column<T> {
  key: string;
  label: string;
  /** What the column sorts by and copies as JSON. */
  value: (row: T) => string | number | boolean | undefined;
  /** How the cell reads; the value as text when left out. */
  render?: (row: T) => ReactNode;
  /** The cell as copied text; the value when left out. */
  text?: (row: T) => string;
  /** Kept narrow (numbers, states): no wrapping, right-aligned for numbers. */
  numeric?: boolean;
  className?: string;
  /** Shown only where the window is wide (≥ 1400 px); always copied. */
  wide?: boolean;
  /** Not shown (its words are in another cell), but copied as a column of its own. */
  hidden?: boolean;
}

export type Sort = { key: string; dir: 'asc' | 'desc' };

export function sortRows<T>(rows: T[], columns: Column<T>[], sort: Sort | undefined): T[] {
  const col = sort && columns.find((c) => c.key === sort.key);
  if (!sort || !col) return rows;
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    if (x === y) return 0;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true })) * sign;
  });
}

// Cells read and copy as text with control characters shown escaped (names and paths come from images and hosts:
// a NUL, an escape sequence or a bidi override must not hide or reorder what is shown); JSON copies stay exact.
export const cellText = <T,>(c: Column<T>, row: T): string => escapeControl(c.text ? c.text(row) : String(c.value(row) ?? ''));
/** A cell as shown when its column has no `render`: the value with control characters escaped. */
export const cellShown = <T,>(c: Column<T>, row: T): ReactNode => (c.render ? c.render(row) : escapeControl(String(c.value(row) ?? '—')));

/**
 * A table with sortable headers, arrow-key row navigation (Enter opens the row), and Copy as text / JSON of what it
 * shows. Row actions go in `actions`; the table scrolls inside its pane instead of pushing the page wider.
 */
export function DataTable<T>({
  label,
  columns,
  rows,
  rowKey,
  onOpen,
  actions,
  initialSort,
  empty,
  toolbar,
}: {
  label: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  onOpen?: (row: T) => void;
  actions?: (row: T) => ReactNode;
  initialSort?: Sort;
  empty?: ReactNode;
  toolbar?: ReactNode;
}) {
  const [sort, setSort] = useState<Sort | undefined>(initialSort);
  const [active, setActive] = useState(0);
  const body = useRef<HTMLTableSectionElement>(null);
  const sorted = useMemo(() => sortRows(rows, columns, sort), [rows, columns, sort]);
  const shown = columns.filter((c) => !c.hidden);
  const cls = (c: Column<T>): string | undefined => [c.numeric ? 'num' : '', c.wide ? 'col-wide' : '', c.className ?? ''].filter(Boolean).join(' ') || undefined;
  const copy = (json: boolean): void => {
    const text = json
      ? JSON.stringify(sorted.map((r) => Object.fromEntries(columns.map((c) => [c.key, c.value(r) ?? null]))), null, 2)
      : tableText(columns.map((c) => c.label), sorted.map((r) => columns.map((c) => cellText(c, r))));
    void copyText(text);
  };
  const focusRow = (i: number): void => {
    const n = Math.max(0, Math.min(sorted.length - 1, i));
    setActive(n);
    body.current?.querySelectorAll<HTMLTableRowElement>('tr')[n]?.focus();
  };
  const onKey = (e: KeyboardEvent<HTMLTableRowElement>, i: number, row: T): void => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'ArrowDown') focusRow(i + 1);
    else if (e.key === 'ArrowUp') focusRow(i - 1);
    else if (e.key === 'Home') focusRow(0);
    else if (e.key === 'End') focusRow(sorted.length - 1);
    else if (e.key === 'Enter' && onOpen) onOpen(row);
    else return;
    e.preventDefault();
  };
  return (
    <div className="data-table">
      <div className="table-tools">
        {toolbar}
        <span className="spacer" />
        <span className="muted count">{sorted.length === rows.length ? `${rows.length} rows` : `${sorted.length} of ${rows.length}`}</span>
        <button type="button" className="small" onClick={() => copy(false)} disabled={!sorted.length} aria-label={`Copy ${label} as text`}>
          Copy as text
        </button>
        <button type="button" className="small" onClick={() => copy(true)} disabled={!sorted.length} aria-label={`Copy ${label} as JSON`}>
          Copy as JSON
        </button>
      </div>
      {sorted.length === 0 ? (
        <div className="empty-state">{empty ?? <p className="muted">Nothing to show.</p>}</div>
      ) : (
        <div className="table-scroll">
          <table className="table" aria-label={label}>
            <thead>
              <tr>
                {shown.map((c) => (
                  <th key={c.key} className={cls(c)} aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
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
                {actions && <th className="actions-col"><span className="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody ref={body}>
              {sorted.map((row, i) => (
                <tr
                  key={rowKey(row)}
                  tabIndex={i === Math.min(active, sorted.length - 1) ? 0 : -1}
                  onKeyDown={(e) => onKey(e, i, row)}
                  onFocus={() => setActive(i)}
                  onDoubleClick={onOpen ? () => onOpen(row) : undefined}
                >
                  {shown.map((c) => (
                    <td key={c.key} className={cls(c)}>
                      {cellShown(c, row)}
                    </td>
                  ))}
                  {actions && <td className="row-actions">{actions(row)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
