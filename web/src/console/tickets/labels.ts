import { useMemo } from 'react';
import { useI18n } from '../../shared/i18n';
import { ticketLabels } from '../../shared/tickets';

/** Labels of the ticket enums (status, action, tier, channel …) in the UI language. */
export function useTicketLabels() {
  const { tx } = useI18n();
  return useMemo(() => ticketLabels(tx), [tx]);
}

/** Date and time to the minute ("2026/11/22 14:03"). */
export function formatMinute(iso: string | null | undefined, lang: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}
