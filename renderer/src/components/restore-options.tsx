import { useState } from 'react';
import type { RestoreOptions } from '../../../shared/domain/checkpoint';
import { RESTORE_OPTIONS, optionsFor } from '../../../shared/domain/checkpoint-options';
import type { Runtime } from '../../../shared/domain/container';

/**
 * The restore options a runtime honours, from the one options table (the CLI's `stasis restore` flags come from the
 * same rows). The new name is asked for by the dialog itself, so it is left out here.
 */
export function RestoreOptionsFields({ runtime, value, onChange }: { runtime: Runtime; value: RestoreOptions; onChange: (v: RestoreOptions) => void }) {
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [bad, setBad] = useState<Record<string, string>>({});
  const rows = optionsFor(RESTORE_OPTIONS, runtime).filter(([key]) => key !== 'name');
  if (!rows.length) return null;
  const setText = (key: string, text: string, parse: (t: string) => unknown, check: (v: unknown) => { success: boolean; error?: { issues: { message: string }[] } }) => {
    setTexts({ ...texts, [key]: text });
    const next: Record<string, unknown> = { ...value };
    if (text.trim() === '') {
      delete next[key];
      setBad({ ...bad, [key]: '' });
    } else {
      const v = parse(text);
      const r = check(v);
      if (r.success) next[key] = v;
      else delete next[key];
      setBad({ ...bad, [key]: r.success ? '' : (r.error?.issues[0]?.message ?? 'not valid') });
    }
    onChange(next as RestoreOptions);
  };
  return (
    <>
      {rows.map(([key, o]) =>
        o.kind === 'flag' ? (
          <label key={key} className="check">
            <input type="checkbox" checked={Boolean(value[key])} onChange={(e) => onChange({ ...value, [key]: e.target.checked || undefined })} />
            {o.label}
          </label>
        ) : (
          <label key={key}>
            {o.label}
            <input
              type="text"
              value={texts[key] ?? ''}
              aria-invalid={Boolean(bad[key])}
              onChange={(e) =>
                setText(
                  key,
                  e.target.value,
                  (t) => (o.kind === 'list' ? t.split(',').map((s) => s.trim()).filter(Boolean) : t.trim()),
                  (v) => o.schema.safeParse(v),
                )
              }
            />
            {bad[key] && <span className="field-error">{bad[key]}</span>}
          </label>
        ),
      )}
    </>
  );
}
