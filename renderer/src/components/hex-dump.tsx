import { useMemo, type ReactNode } from 'react';
import { formatAddress, hexRows, printableChar, ROW_BYTES, type DumpPieceView, type HexRow } from '../hex-rows';
import { formatBytes } from '../format';

export interface VmaLabel {
  start: number;
  end: number;
  label: string;
}

type Hit = { address: number; length: number } | undefined;

const isHit = (hit: Hit, a: number): boolean => hit !== undefined && a >= hit.address && a < hit.address + hit.length;

/** Runs of cells that are all inside or all outside the highlight, so a row is a few text nodes, not 32 elements. */
function segments(row: Extract<HexRow, { kind: 'bytes' }>, hit: Hit, cell: (b: number | undefined, i: number) => string): ReactNode[] {
  const out: ReactNode[] = [];
  let text = '';
  let inHit = false;
  const flush = (i: number): void => {
    if (text) out.push(inHit ? <mark key={i}>{text}</mark> : text);
    text = '';
  };
  row.cells.forEach((b, i) => {
    const h = b !== undefined && isHit(hit, row.address + i);
    if (h !== inHit) {
      flush(i);
      inHit = h;
    }
    text += cell(b, i);
  });
  flush(ROW_BYTES);
  return out;
}

const hexCell = (b: number | undefined, i: number): string => `${b === undefined ? '  ' : b.toString(16).padStart(2, '0')}${i === 7 ? '  ' : ' '}`;

/** hexdump -C's layout (address, 16 bytes, printable text); a line names the mapping wherever a new one starts. */
export function HexDump({ pieces, highlight, vmas = [], label }: { pieces: readonly DumpPieceView[]; highlight?: Hit; vmas?: readonly VmaLabel[]; label: string }) {
  const rows = useMemo(() => hexRows(pieces), [pieces]);
  let shownVma: VmaLabel | undefined;
  return (
    <div className="hexdump mono" role="table" aria-label={label}>
      {rows.map((r) => {
        const vma = vmas.find((v) => v.start <= r.address + ROW_BYTES - 1 && r.address < v.end);
        const heading = vma && vma !== shownVma ? vma : undefined;
        if (vma) shownVma = vma;
        return (
          <div key={`${r.kind}${r.address}`} className="hex-group">
            {heading && (
              <div className="hex-vma muted" role="row">
                <span role="cell">{heading.label}</span>
              </div>
            )}
            {r.kind === 'gap' ? (
              <div className="hex-row hex-gap muted" role="row">
                <span role="cell">
                  {formatAddress(r.address)} … {formatBytes(r.length)} {r.reason}
                </span>
              </div>
            ) : (
              <div className="hex-row" role="row">
                <span role="cell" className="hex-addr">
                  {formatAddress(r.address)}
                </span>
                <span role="cell" className="hex-bytes">
                  {segments(r, highlight, hexCell)}
                </span>
                <span role="cell" className="ascii">
                  {segments(r, highlight, (b) => printableChar(b))}
                </span>
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
