import { useCallback } from 'react';
import { useI18n } from '../../shared/i18n';

/** GB/T 4754-2017 sections (门类) A–T; names come from the dictionaries (`industry.X`). */
export const INDUSTRY_CODES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T'] as const;

/** Credit-code prefixes (登记管理部门 + 机构类别) by group, for the kind filter. */
export const ORG_KINDS: Record<'enterprise' | 'social_org', readonly string[]> = {
  enterprise: ['91', '92', '93'],
  social_org: ['51', '52', '53', '59'],
};

export function useOrgLabels() {
  const { tx } = useI18n();
  const industry = useCallback((code: string | null | undefined, fallback?: string | null) => (code ? tx(`industry.${code}`, fallback ?? code) : ''), [tx]);
  /** "C 制造业" */
  const industryFull = useCallback((code: string | null | undefined, fallback?: string | null) => (code ? `${code} ${industry(code, fallback)}` : ''), [industry]);
  const kind = useCallback((k: string | null | undefined, fallback?: string) => (k ? tx(`creditKind.${k}`, fallback ?? k) : ''), [tx]);
  const group = useCallback((g: string | null | undefined) => (g ? tx(`orgGroup.${g}`, g) : ''), [tx]);
  const status = useCallback((s: string | null | undefined) => (s ? tx(`orgStatus.${s}`, s) : ''), [tx]);
  const siteKind = useCallback((k: string | null | undefined) => (k ? tx(`siteKind.${k}`, k) : ''), [tx]);
  const ledger = useCallback((k: string) => tx(`ledger.${k}`, k), [tx]);
  return { industry, industryFull, kind, group, status, siteKind, ledger };
}
