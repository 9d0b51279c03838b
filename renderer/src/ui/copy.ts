/** A table as tab-separated text (a header line, then one line per row), for pasting into a terminal or a sheet. */
export function tableText(header: string[], rows: string[][]): string {
  const clean = (s: string): string => s.replace(/[\t\n\r]+/g, ' ');
  return [header, ...rows].map((r) => r.map(clean).join('\t')).join('\n');
}

/** Copies text; browser mode over plain http has no async clipboard outside localhost, so fall back to a textarea. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}
