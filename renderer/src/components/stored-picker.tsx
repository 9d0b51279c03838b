import { useEffect, useMemo } from 'react';
import type { Checkpoint } from '../../../shared/domain/checkpoint';
import { escapeControl } from '../../../shared/text/escape';
import { hostLabel } from '../format';
import { useStasis } from '../store';

export const pickKey = (k: Pick<Checkpoint, 'hostId' | 'id'>): string => `${k.hostId}\u0000${k.id}`;

/** Splits a picker value back into host and checkpoint id. */
export function parsePick(value: string): { hostId: string; checkpointId: string } | undefined {
  const [hostId, checkpointId] = value.split('\u0000');
  return hostId && checkpointId ? { hostId, checkpointId } : undefined;
}

/**
 * A list of the checkpoints stored on every host (newest first, grouped by host), for Look inside and Compare, so a
 * stored checkpoint is picked rather than its path typed. Hosts not listed yet are asked once when it first shows.
 */
export function StoredPicker({ label, value, onChange, onlyHost }: { label: string; value: string; onChange: (value: string) => void; onlyHost?: string | undefined }) {
  const hosts = useStasis((s) => s.hosts);
  const listings = useStasis((s) => s.listings);
  const refreshAll = useStasis((s) => s.refreshAll);
  const anyLoaded = hosts.some((h) => listings[h.id]?.loadedAt !== undefined || listings[h.id]?.loading);
  useEffect(() => {
    if (!anyLoaded && hosts.length) void refreshAll();
  }, [anyLoaded, hosts.length, refreshAll]);
  const groups = useMemo(
    () =>
      hosts
        .filter((h) => !onlyHost || h.id === onlyHost)
        .map((h) => ({ host: h, checkpoints: [...(listings[h.id]?.checkpoints ?? [])].sort((a, b) => b.created.localeCompare(a.created)) }))
        .filter((g) => g.checkpoints.length),
    [hosts, listings, onlyHost],
  );
  const loading = hosts.some((h) => listings[h.id]?.loading);
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{groups.length ? 'a stored checkpoint…' : loading ? 'asking the hosts…' : 'no stored checkpoints'}</option>
      {groups.map((g) => (
        <optgroup key={g.host.id} label={hostLabel(g.host.id, g.host.name)}>
          {g.checkpoints.map((k) => (
            <option key={k.id} value={pickKey(k)}>
              {escapeControl(k.container.name)} · {new Date(k.created).toLocaleString()} · {k.id}
              {k.note ? ` · ${escapeControl(k.note)}` : ''}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}
