import { useCallback } from 'react';
import { useI18n } from '../../shared/i18n';
import type { ImportKind, ImportStatus } from './api';

/** Labels for import kinds, target fields, statuses and validation rules (raw value as fallback). */
export function useImportLabels() {
  const { tx } = useI18n();
  const kind = useCallback((k: ImportKind | string) => tx(`import.kind.${k}`, k), [tx]);
  /** Our label for a target field; else the server's label; else the key. */
  const field = useCallback(
    (k: ImportKind | string, key: string, fallback?: string) => tx(`importField.${k}.${key}`, tx(`importField.any.${key}`, fallback ?? key)),
    [tx],
  );
  const status = useCallback((s: ImportStatus | string) => tx(`import.status.${s}`, s), [tx]);
  const rule = useCallback((r: string) => tx(`importRule.${r}`, r), [tx]);
  const entity = useCallback((e: string) => tx(`conflict.entity.${e}`, e), [tx]);
  return { kind, field, status, rule, entity };
}

export const STATUS_COLOR: Record<string, string> = {
  queued: 'default',
  running: 'processing',
  done: 'success',
  failed: 'error',
};
