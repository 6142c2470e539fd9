/**
 * 12345 热线: import the hotline's ticket feed (dry run first) and see the handling results the
 * hotline pulls back. ?tab=results opens the results.
 */
import { useSearchParams } from 'react-router-dom';
import { Tabs } from 'antd';
import { useAuth } from '../../shared/auth';
import { useT } from '../../shared/i18n';
import { HotlineImport } from './HotlineImport';
import { HotlineResults } from './HotlineResults';
import './integrations.css';

export default function HotlinePage() {
  const t = useT();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const canImport = can('hotline.import');
  const canRead = can('hotline.read');
  const tab = (params.get('tab') === 'results' && canRead) || !canImport ? 'results' : 'import';
  return (
    <Tabs
      activeKey={tab}
      onChange={(k) => setParams(k === 'results' ? { tab: 'results' } : {}, { replace: true })}
      data-testid="hotline-tabs"
      items={[
        ...(canImport ? [{ key: 'import', label: t('integ.hotline.importTab'), children: tab === 'import' ? <HotlineImport /> : null }] : []),
        ...(canRead ? [{ key: 'results', label: t('integ.hotline.resultsTab'), children: tab === 'results' ? <HotlineResults /> : null }] : []),
      ]}
    />
  );
}
