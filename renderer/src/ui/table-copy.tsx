import { useRef } from 'react';
import { copyText, tableText } from './copy';

/** A table's header and body cells as text, read from the page as shown (any table, whoever renders it). */
export function readTable(table: HTMLTableElement): { header: string[]; rows: string[][] } {
  const text = (cell: Element): string => (cell.textContent ?? '').replace(/\s+/g, ' ').trim();
  const header = [...table.querySelectorAll('thead th')].map(text);
  const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map(text));
  // Columns of row buttons have no header: they are actions, not data.
  const keep = header.length ? header.map((h) => h !== '' && h !== 'Actions') : (rows[0] ?? []).map(() => true);
  return { header: header.filter((_, i) => keep[i]), rows: rows.map((r) => r.filter((_, i) => keep[i] ?? true)) };
}

export function tableJson(header: string[], rows: string[][]): string {
  if (!header.length) return JSON.stringify(rows, null, 2);
  return JSON.stringify(rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))), null, 2);
}

/** Copy as text / JSON for a table rendered by hand: the buttons find the table named `label` in their section. */
export function TableCopy({ label }: { label: string }) {
  const anchor = useRef<HTMLSpanElement>(null);
  const copy = (json: boolean): void => {
    const scope = anchor.current?.closest('section') ?? document;
    const table = scope.querySelector<HTMLTableElement>(`table[aria-label="${CSS.escape(label)}"]`);
    if (!table) return;
    const { header, rows } = readTable(table);
    void copyText(json ? tableJson(header, rows) : tableText(header, rows));
  };
  return (
    <span ref={anchor} className="table-copy">
      <button type="button" className="small" onClick={() => copy(false)} aria-label={`Copy ${label} as text`}>
        Copy as text
      </button>
      <button type="button" className="small" onClick={() => copy(true)} aria-label={`Copy ${label} as JSON`}>
        Copy as JSON
      </button>
    </span>
  );
}
