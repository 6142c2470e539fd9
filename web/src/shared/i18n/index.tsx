/**
 * A small i18n module: two dictionaries (zh-CN default, en), `t(key, params)` with `{name}`
 * placeholders, a React context, the language persisted in localStorage and sent to the API as
 * Accept-Language. Missing English keys fall back to Chinese.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setApiLanguage } from '../api';
import { zhCN, type MessageKey } from './zh-CN';
import { en } from './en';

export type { MessageKey };
export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];
export type Params = Record<string, string | number | null | undefined>;
export type TFunction = (key: MessageKey, params?: Params) => string;

const STORAGE_KEY = 'gridwork.lang';
const dictionaries: Record<Lang, Partial<Record<MessageKey, string>>> = { 'zh-CN': zhCN, en };

function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    return v === undefined || v === null ? m : String(v);
  });
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const text = dictionaries[lang][key] ?? zhCN[key] ?? key;
  return interpolate(text, params);
}

/** Whether `key` names a message (for dynamic keys like `role.${role}`). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zhCN, key);
}

export function readStoredLang(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'en' || v === 'zh-CN') return v;
  } catch {
    /* storage unavailable */
  }
  return 'zh-CN';
}

interface I18nValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: TFunction;
  /** Translate a dynamic key, falling back to `fallback` (or the key) when unknown. */
  tx: (key: string, fallback?: string, params?: Params) => string;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(readStoredLang);
  // Set synchronously so the very first requests already carry the right Accept-Language.
  setApiLanguage(lang);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const setLang = useCallback((next: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* ignore */
    }
    setApiLanguage(next);
    setLangState(next);
  }, []);

  const value = useMemo<I18nValue>(() => {
    const t: TFunction = (key, params) => translate(lang, key, params);
    const tx = (key: string, fallback?: string, params?: Params) =>
      isMessageKey(key) ? translate(lang, key, params) : (fallback ?? key);
    return { lang, setLang, t, tx };
  }, [lang, setLang]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n must be used inside <I18nProvider>');
  return v;
}

export function useT(): TFunction {
  return useI18n().t;
}
