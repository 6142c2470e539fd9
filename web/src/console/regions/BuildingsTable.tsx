import { Link } from 'react-router-dom';
import { Alert, Table } from 'antd';
import { useAuth } from '../../shared/auth';
import { regionsApi } from '../../shared/geo';
import { useT } from '../../shared/i18n';
import type { Building } from '../../shared/types';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';

/** Buildings of one grid, a page at a time (cursor pagination). */
export function BuildingsTable({ code }: { code: string }) {
  const t = useT();
  const { can } = useAuth();

  const { items, cursor, loading, error, load } = useCursorList<Building>((from) => regionsApi.buildings(code, from, 50), [code], { clearOnChange: 'all' });

  return (
    <>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      <Table<Building>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={items}
        pagination={false}
        locale={{ emptyText: t('region.noBuildings') }}
        data-testid="building-table"
        scroll={{ x: 660 }}
        columns={[
          { title: t('region.building.name'), dataIndex: 'name' },
          { title: t('region.building.address'), dataIndex: 'address', ellipsis: true },
          { title: t('region.building.floors'), dataIndex: 'floors', width: 70 },
          { title: t('region.building.entrances'), dataIndex: 'entrances', width: 80 },
          {
            title: t('region.building.location'),
            key: 'loc',
            width: 190,
            render: (_: unknown, b) => (
              <span className="mono">
                {b.lng.toFixed(6)}, {b.lat.toFixed(6)}
              </span>
            ),
          },
          ...(can('house.read')
            ? [
                {
                  title: t('building.view'),
                  key: 'view',
                  width: 100,
                  render: (_: unknown, b: Building) => (
                    <Link to={`/buildings/${b.id}`} data-testid={`building-view-link-${b.id}`}>
                      {t('building.view')}
                    </Link>
                  ),
                },
              ]
            : []),
        ]}
        footer={
          items.length > 0 || cursor
            ? () => (
                <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
              )
            : undefined
        }
      />
    </>
  );
}
