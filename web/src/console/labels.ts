import { useCallback } from 'react';
import { useI18n } from '../shared/i18n';
import type { RegionLevel } from '../shared/types';

/** Labels for enum-like values coming from the server, with the raw value as fallback. */
export function useLabels() {
  const { tx } = useI18n();
  const role = useCallback((r: string | null | undefined) => (r ? tx(`role.${r}`, r) : ''), [tx]);
  const level = useCallback((l: RegionLevel | string | null | undefined) => (l ? tx(`level.${l}`, l) : ''), [tx]);
  const perm = useCallback((p: string) => tx(`perm.${p}`, p), [tx]);
  const kind = useCallback((k: string | null | undefined) => (k ? tx(`kind.${k}`, k) : ''), [tx]);
  return { role, level, perm, kind };
}

export function formatTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
}
