import { useCallback, useMemo } from 'react';
import { useI18n } from '../../shared/i18n';

/** Labels for the registry's code values (sex, political status, relation, …), raw value as fallback. */
export function useRegistryLabels() {
  const { tx, lang } = useI18n();
  const make = useCallback((prefix: string) => (v: string | null | undefined) => (v ? tx(`${prefix}.${v}`, v) : ''), [tx]);
  return useMemo(
    () => ({
      sex: make('sex'),
      political: make('political'),
      personStatus: make('personStatus'),
      relation: make('relation'),
      occupancy: make('occupancy'),
      houseUse: make('houseUse'),
      event: make('event'),
      householdStatus: make('householdStatus'),
      /** Department of a provenance stamp (`manual` is a manual entry). */
      source: (s: string | null | undefined) => (s ? tx(`source.${s}`, s) : ''),
      lang,
    }),
    [make, tx, lang],
  );
}

/** YYYY-MM-DD of an ISO time in the browser's time zone. */
export function isoDay(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso.slice(0, 10);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Today as YYYY-MM-DD (local). */
export function today(): string {
  return isoDay(new Date().toISOString());
}

/** Region code from a region path (paths shorter than 12 digits are padded, like the server does). */
export function codeOfPath(p: string | null | undefined): string {
  if (!p) return '';
  return p.length <= 12 ? p.padEnd(12, '0') : p;
}
