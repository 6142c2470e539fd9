import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Col, Empty, Input, Row, Table } from 'antd';
import { useI18n } from '../../shared/i18n';
import { householdsApi, type HouseholdListItem } from '../../shared/registry';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { ColourChip, ColourSelect } from './bits';
import { useUrlFilters } from './urlState';

const KEYS = ['colour', 'region', 'address'] as const;

/** 户: households by card colour, region and address; filters live in the URL. */
export default function HouseholdsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [filters, setFilters, reset] = useUrlFilters(KEYS);
  const [address, setAddress] = useState(filters.address ?? '');

  useEffect(() => setAddress(filters.address ?? ''), [filters.address]);

  const { items, cursor, loading, error, load } = useCursorList<HouseholdListItem>(
    (from, signal) => householdsApi.list({ ...filters, cursor: from, limit: 50 }, signal),
    [filters],
  );

  const anyFilter = KEYS.some((k) => filters[k]);

  return (
    <Card title={t('household.title')} size="small">
      <div className="filter-bar">
        <Row gutter={[12, 8]}>
          <Col xs={24} md={8} xl={7}>
            <Input.Search
              allowClear
              value={address}
              placeholder={t('people.addressPlaceholder')}
              onChange={(e) => {
                setAddress(e.target.value);
                if (!e.target.value && filters.address) setFilters({ address: null });
              }}
              onSearch={(v) => setFilters({ address: v.trim() })}
              data-testid="households-address"
            />
          </Col>
          <Col xs={24} md={8} xl={7}>
            <RegionTreeSelect value={filters.region ?? null} onChange={(c) => setFilters({ region: c })} placeholder={t('people.regionPlaceholder')} />
          </Col>
          <Col xs={16} md={5} xl={4}>
            <ColourSelect value={filters.colour} onChange={(v) => setFilters({ colour: v })} testId="households-colour" />
          </Col>
          <Col xs={8} md={3} xl={2}>
            <Button disabled={!anyFilter} onClick={reset}>
              {t('common.reset')}
            </Button>
          </Col>
        </Row>
      </div>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<HouseholdListItem>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 860 }}
        data-testid="households-table"
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={anyFilter ? t('people.emptyFiltered') : t('household.empty')} /> }}
        onRow={(h) => ({
          onClick: (e) => {
            if ((e.target as HTMLElement).closest('a,button')) return;
            navigate(`/households/${h.id}`);
          },
          style: { cursor: 'pointer' },
        })}
        columns={[
          {
            title: t('household.head'),
            dataIndex: 'headName',
            width: 120,
            render: (v: string | null, h) => (
              <Link to={`/households/${h.id}`} data-testid={`household-link-${h.id}`}>
                {v ?? t('household.noHead')}
              </Link>
            ),
          },
          { title: t('household.no'), dataIndex: 'householdNo', width: 130, render: (v: string | null) => <span className="mono">{v ?? ''}</span> },
          { title: t('household.members'), dataIndex: 'members', width: 80 },
          { title: t('household.colour'), dataIndex: 'colour', width: 100, render: (v: string | null) => <ColourChip code={v} /> },
          { title: t('person.address'), dataIndex: 'address', ellipsis: true },
        ]}
        footer={() => (
          <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
        )}
      />
    </Card>
  );
}
