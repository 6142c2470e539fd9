/** CSV for Excel users: UTF-8 with a BOM (else Excel guesses GBK), CRLF, 是/否 for booleans. */
export type CsvValue = string | number | boolean | null | undefined;

export const UTF8_BOM = '\uFEFF';

export function csvCell(v: CsvValue, asText = false): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return String(v);
  // Long digit strings (credit and region codes) would be shown as 1.5E+11: a ="…" cell keeps them text.
  if (asText && /^[0-9A-Z]+$/.test(v)) return `="${v}"`;
  // A cell starting with = + - @ would run as a formula in Excel (CSV injection): make it plain text.
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: { value: CsvValue; asText?: boolean }[]): string {
  return cells.map((c) => csvCell(c.value, c.asText)).join(',') + '\r\n';
}

/** Content-Disposition for a download with a Chinese file name (RFC 6266 / 5987), with an ASCII fallback. */
export function attachment(fileName: string, fallback: string): string {
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
