/**
 * The problem catalogue (GET /api/ticket-categories), fetched once per app start and kept in
 * localStorage, so the report form still works when the app is opened without a signal.
 * Ordering for "most common first": this user's own past choices, then what residents report most.
 */
import { useCallback, useEffect, useState } from 'react';
import { ticketCatalogueApi, type CategoryDto } from '../../shared/tickets';
import type { Lang } from '../../shared/i18n';
import { readJson, writeJson } from './storage';

/** What residents report most in Chinese cities (the demo catalogue's codes); used until the user has a history. */
const USUALLY_COMMON = ['0301', '0305', '0203', '0102', '0503', '0702', '0701', '0302', '0303', '0802'];

export interface CategoryTop {
  category: CategoryDto;
  children: CategoryDto[];
}

export interface Catalogue {
  list: CategoryDto[];
  byCode: Map<string, CategoryDto>;
  tops: CategoryTop[];
}

let memo: CategoryDto[] | null = null;
let pending: Promise<CategoryDto[]> | null = null;

function fetchCategories(): Promise<CategoryDto[]> {
  pending ??= ticketCatalogueApi
    .categories()
    .then((list) => {
      memo = list;
      writeJson('categories', list);
      return list;
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

export function buildCatalogue(list: CategoryDto[], use: Record<string, number>): Catalogue {
  const active = list.filter((c) => c.active);
  const byCode = new Map(active.map((c) => [c.code, c]));
  const score = (c: CategoryDto) => use[c.code] ?? 0;
  const byUse = (a: CategoryDto, b: CategoryDto) => score(b) - score(a) || a.code.localeCompare(b.code);
  const tops: CategoryTop[] = active
    .filter((c) => !c.parentCode || !byCode.has(c.parentCode))
    .map((category) => ({ category, children: active.filter((c) => c.parentCode === category.code).sort(byUse) }));
  const topScore = (t: CategoryTop) => score(t.category) + t.children.reduce((s, c) => s + score(c), 0);
  tops.sort((a, b) => topScore(b) - topScore(a) || a.category.code.localeCompare(b.category.code));
  return { list: active, byCode, tops };
}

/** The categories to offer as one-tap chips: the user's own most used, then the usual suspects. */
export function commonCategories(cat: Catalogue, use: Record<string, number>, n = 6): CategoryDto[] {
  const own = Object.entries(use)
    .filter(([code, count]) => count > 0 && cat.byCode.has(code))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code]) => code);
  const fallback = USUALLY_COMMON.filter((c) => cat.byCode.has(c));
  // A catalogue without the demo codes still gets chips: its first leaves.
  const leaves = cat.list.filter((c) => c.parentCode).map((c) => c.code);
  const codes = [...new Set([...own, ...fallback, ...leaves])].slice(0, n);
  return codes.map((c) => cat.byCode.get(c)!);
}

export function categoryName(c: CategoryDto | undefined | null, lang: Lang): string {
  if (!c) return '';
  return lang === 'en' && c.nameEn ? c.nameEn : c.name;
}

export function useCategories(): { list: CategoryDto[] | null; error: boolean; reload: () => void } {
  const [list, setList] = useState<CategoryDto[] | null>(() => memo ?? readJson<CategoryDto[] | null>('categories', null));
  const [error, setError] = useState(false);
  const load = useCallback(() => {
    setError(false);
    fetchCategories()
      .then(setList)
      .catch(() => setError(true));
  }, []);
  useEffect(() => {
    if (!memo) load();
  }, [load]);
  return { list, error: error && !list, reload: load };
}
