import { Link } from 'react-router-dom';
import { Space, Table, Tag, Tooltip } from 'antd';
import { useI18n } from '../../shared/i18n';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import type { Org } from './api';
import { CoverageTags } from './CoverageTags';
import { useOrgLabels } from './labels';

/** The organisations table, also used for the lists behind the coverage figures. */
export function OrgTable({ items, loading, cursor, onMore, testId = 'org-table' }: { items: Org[]; loading: boolean; cursor: string | null; onMore: () => void; testId?: string }) {
  const { t } = useI18n();
  const labels = useOrgLabels();
  return (
    <Table<Org>
      rowKey="id"
      size="small"
      loading={loading}
      dataSource={items}
      pagination={false}
      scroll={{ x: 1200 }}
      data-testid={testId}
      columns={[
        {
          title: t('org.name'),
          dataIndex: 'name',
          width: 220,
          render: (n: string, o) => (
            <Space size={4}>
              <Link to={`/orgs/${o.id}`}>{n}</Link>
              {o.status === 'deregistered' && <Tag>{labels.status(o.status)}</Tag>}
            </Space>
          ),
        },
        { title: t('org.creditCode'), dataIndex: 'creditCode', width: 180, render: (c: string) => <span className="mono">{c}</span> },
        { title: t('org.kind'), dataIndex: 'kind', width: 150, ellipsis: true, render: (k: string, o) => labels.kind(k, o.kindName) },
        { title: t('org.industry'), dataIndex: 'industry', width: 180, ellipsis: true, render: (c: string | null, o) => labels.industryFull(c, o.industryName) },
        {
          title: t('org.region'),
          key: 'region',
          width: 160,
          ellipsis: true,
          render: (_: unknown, o) => (
            <Tooltip title={o.region.code}>
              <span>{o.region.name}</span>
            </Tooltip>
          ),
        },
        {
          title: t('org.threeHave'),
          dataIndex: 'threeHave',
          width: 80,
          render: (v: boolean) => (v ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>),
        },
        { title: t('coverage.title'), key: 'coverage', width: 180, render: (_: unknown, o) => <CoverageTags org={o} /> },
        { title: t('org.partyOrg'), key: 'partyOrg', width: 180, ellipsis: true, render: (_: unknown, o) => o.partyOrg?.name ?? '' },
        { title: t('org.guidanceOfficer'), dataIndex: 'guidanceOfficer', width: 110 },
        { title: t('org.employees'), dataIndex: 'employees', width: 80, align: 'right' },
      ]}
      footer={() => (
        <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={onMore} />
      )}
    />
  );
}
