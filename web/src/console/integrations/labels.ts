import { useMemo } from 'react';
import { useI18n } from '../../shared/i18n';
import { integrationLabelKey } from '../../shared/integrations';

/** Labels of the integration enums (webhook events, delivery states, hotline row results and fields). */
export function useIntegrationLabels() {
  const { tx } = useI18n();
  return useMemo(() => {
    const make = (k: (v: string) => string) => (v: string | null | undefined) => (v ? tx(k(v), v) : '');
    return {
      event: make(integrationLabelKey.event),
      delivery: make(integrationLabelKey.delivery),
      rowResult: make(integrationLabelKey.rowResult),
      field: make(integrationLabelKey.field),
    };
  }, [tx]);
}
