import { useMemo } from 'react';
import type { MemSearchResult } from '../../../shared/api/contract';
import { bytesFromHex } from '../hex-rows';
import { HexDump } from './hex-dump';

type Match = MemSearchResult['matches'][number];

function MatchItem({ m, selected, onOpen }: { m: Match; selected: boolean; onOpen: (m: Match) => void }) {
  const pieces = useMemo(() => [{ address: parseInt(m.context.address.slice(2), 16), bytes: bytesFromHex(m.context.hex) }], [m]);
  const address = parseInt(m.address.slice(2), 16);
  return (
    <li className={selected ? 'match selected' : 'match'}>
      <button type="button" className="match-open" aria-label={`Show ${m.address} in the hexdump`} aria-pressed={selected} onClick={() => onOpen(m)}>
        <span className="mono">{m.address}</span>
        <span className="muted">
          {m.length} bytes in {m.vma ? `${m.vma.label} (+${m.vma.offset})` : 'no mapping'}
        </span>
      </button>
      <HexDump pieces={pieces} highlight={{ address, length: m.length }} label={`Bytes around ${m.address}`} />
    </li>
  );
}

/** The search's matches, each with the bytes around it; choosing one opens the hexdump there. */
export function MatchList({ result, searched, selected, onOpen }: { result: MemSearchResult; searched: string; selected: string | undefined; onOpen: (m: Match) => void }) {
  const n = result.matches.length;
  return (
    <>
      <p className="muted" role="status">
        {n} match{n === 1 ? '' : 'es'}
        {result.truncated ? ' (the limit; there may be more)' : ''} for {searched} in {(result.searchedBytes / 1024 / 1024).toFixed(1)} MiB of dumped memory
      </p>
      {n > 0 && (
        <ol className="matches" aria-label="Memory matches">
          {result.matches.map((m) => (
            <MatchItem key={m.address} m={m} selected={m.address === selected} onOpen={onOpen} />
          ))}
        </ol>
      )}
    </>
  );
}
