import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Col, Empty, Input, Row, Select, Space, Table, Typography } from 'antd';
import { IdcardOutlined, PhoneOutlined, PlusOutlined, UserOutlined } from '@ant-design/icons';
import { useAuth } from '../../shared/auth';
import { detectSearch, type SearchKind } from '../../shared/identity';
import { useI18n } from '../../shared/i18n';
import { peopleApi, PERSON_STATUSES, type PeopleQuery, type Person, type PersonStatus } from '../../shared/registry';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { ColourChip, ColourSelect, StatusTag, TagList } from './bits';
import { useCatalogue } from './catalogue';
import { ExportButton } from './ExportButton';
import { useRegistryLabels } from './labels';
import { useUrlFilters } from './urlState';

const FILTER_KEYS = ['q', 'address', 'tags', 'colour', 'region', 'status'] as const;

/**
 * An ID number or phone typed into the search box is kept in the history entry's state, not in the
 * address bar: it comes back with the back button but does not end up in browser history or links.
 */
interface PiiSearch {
  pii?: { kind: 'idNumber' | 'phone'; value: string };
}

const PAGE = 50;

export default function PeopleListPage() {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const { can } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const { tags: tagCatalogue } = useCatalogue();
  const [filters, setFilters, resetFilters] = useUrlFilters(FILTER_KEYS);
  const pii = (location.state as PiiSearch | null)?.pii;

  const [search, setSearch] = useState(pii?.value ?? filters.q ?? '');
  const [address, setAddress] = useState(filters.address ?? '');

  // Keep the inputs in step with the URL (back/forward, reset).
  useEffect(() => setSearch(pii?.value ?? filters.q ?? ''), [filters.q, pii?.value]);
  useEffect(() => setAddress(filters.address ?? ''), [filters.address]);

  const status = filters.status ?? 'active';
  // An exact ID-number / phone lookup finds the person whatever the other filters say (any status too).
  const query: PeopleQuery = useMemo(
    () =>
      pii
        ? { [pii.kind]: pii.value }
        : {
            q: filters.q,
            address: filters.address,
            tags: filters.tags,
            colour: filters.colour,
            region: filters.region,
            // 'all', or anything unknown typed into the URL, filters nothing.
            status: (PERSON_STATUSES as readonly string[]).includes(status) ? (status as PersonStatus) : undefined,
          },
    [filters, pii, status],
  );

  const { items, cursor, loading, error, load } = useCursorList<Person>((from, signal) => peopleApi.list({ ...query, cursor: from, limit: PAGE }, signal), [query]);

  const detected = detectSearch(search);
  const kindHint: Record<SearchKind, { icon: React.ReactNode; label: string }> = {
    idNumber: { icon: <IdcardOutlined />, label: t('people.searchById') },
    phone: { icon: <PhoneOutlined />, label: t('people.searchByPhone') },
    name: { icon: <UserOutlined />, label: t('people.searchByName') },
  };

  const runSearch = (raw: string) => {
    const d = detectSearch(raw);
    if (d.kind === 'name') {
      navigate({ search: withParam(location.search, 'q', d.value) }, { replace: true, state: null });
    } else {
      navigate({ search: withParam(location.search, 'q', '') }, { replace: true, state: { pii: { kind: d.kind, value: d.value } } satisfies PiiSearch });
    }
  };

  const tagOptions = useMemo(() => {
    const groups = new Map<string, { value: string; label: string }[]>();
    for (const tg of tagCatalogue) {
      if (!tg.active) continue;
      const list = groups.get(tg.category) ?? [];
      list.push({ value: tg.code, label: tg.name });
      groups.set(tg.category, list);
    }
    return [...groups].map(([category, options]) => ({ label: category, title: category, options }));
  }, [tagCatalogue]);

  const selectedTags = filters.tags ? filters.tags.split(',').filter(Boolean) : [];
  const anyFilter = FILTER_KEYS.some((k) => filters[k]) || !!pii;

  return (
    <Card
      title={t('people.title')}
      size="small"
      extra={
        <Space>
          {can('person.export') && <ExportButton query={query} />}
          {can('person.write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/people/new')} data-testid="person-create">
              {t('people.create')}
            </Button>
          )}
        </Space>
      }
    >
      <div className="filter-bar" data-testid="people-filters">
        <Row gutter={[12, 8]}>
          <Col xs={24} md={12} xl={7}>
            <Input.Search
              allowClear
              value={search}
              onChange={(e) => {
                setSearch(e.target.value);
                if (!e.target.value && (filters.q || pii)) runSearch('');
              }}
              onSearch={runSearch}
              placeholder={t('people.searchPlaceholder')}
              prefix={search.trim() ? kindHint[detected.kind].icon : undefined}
              data-testid="people-search"
            />
            <div className="search-kind" data-testid="people-search-kind">
              {pii && search.trim() === pii.value ? t('people.exactActive') : search.trim() ? kindHint[detected.kind].label : t('people.searchHint')}
            </div>
          </Col>
          <Col xs={24} md={12} xl={5}>
            <Input
              allowClear
              value={address}
              placeholder={t('people.addressPlaceholder')}
              onChange={(e) => {
                setAddress(e.target.value);
                if (!e.target.value && filters.address) setFilters({ address: null });
              }}
              onPressEnter={() => setFilters({ address: address.trim() })}
              onBlur={() => address.trim() !== (filters.address ?? '') && setFilters({ address: address.trim() })}
              data-testid="people-address"
            />
          </Col>
          <Col xs={24} md={12} xl={6}>
            <RegionTreeSelect
              value={filters.region ?? null}
              onChange={(code) => setFilters({ region: code })}
              placeholder={t('people.regionPlaceholder')}
              data-testid="people-region"
            />
          </Col>
          <Col xs={12} md={6} xl={3}>
            <Select
              style={{ width: '100%' }}
              value={status}
              onChange={(v: string) => setFilters({ status: v === 'active' ? null : v })}
              options={[
                ...PERSON_STATUSES.map((s) => ({ value: s, label: labels.personStatus(s) })),
                { value: 'all', label: t('people.statusAll') },
              ]}
              data-testid="people-status"
            />
          </Col>
          <Col xs={12} md={6} xl={3}>
            <ColourSelect value={filters.colour} onChange={(v) => setFilters({ colour: v })} testId="people-colour" />
          </Col>
          <Col xs={24} md={18} xl={12}>
            <Select
              mode="multiple"
              allowClear
              style={{ width: '100%' }}
              value={selectedTags}
              placeholder={t('people.tagsPlaceholder')}
              onChange={(v: string[]) => setFilters({ tags: v.join(',') })}
              options={tagOptions}
              maxTagCount="responsive"
              showSearch={{ optionFilterProp: 'label' }}
              data-testid="people-tags"
            />
          </Col>
          <Col xs={24} md={6} xl={4}>
            <Button
              disabled={!anyFilter}
              onClick={() => {
                resetFilters();
                navigate({ search: '' }, { replace: true, state: null });
              }}
            >
              {t('common.reset')}
            </Button>
          </Col>
        </Row>
      </div>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<Person>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1100 }}
        data-testid="people-table"
        onRow={(p) => ({
          onClick: (e) => {
            if ((e.target as HTMLElement).closest('a,button')) return;
            navigate(`/people/${p.id}`);
          },
          style: { cursor: 'pointer' },
        })}
        locale={{
          emptyText: (
            <Empty
              description={anyFilter ? t('people.emptyFiltered') : t('people.empty')}
              image={Empty.PRESENTED_IMAGE_SIMPLE}
            />
          ),
        }}
        columns={[
          {
            title: t('person.name'),
            dataIndex: 'name',
            width: 110,
            fixed: 'left',
            render: (v: string, p) => (
              <Link to={`/people/${p.id}`} data-testid={`person-link-${p.id}`}>
                {v}
              </Link>
            ),
          },
          { title: t('person.idNumber'), dataIndex: 'idNumber', width: 180, render: (v: string) => <span className="mono">{v}</span> },
          { title: t('person.sex'), dataIndex: 'sex', width: 56, render: (v: string) => labels.sex(v) },
          { title: t('person.age'), dataIndex: 'age', width: 56 },
          { title: t('person.phone'), dataIndex: 'phone', width: 120, render: (v: string | null) => <span className="mono">{v ?? ''}</span> },
          {
            title: t('person.address'),
            dataIndex: 'address',
            ellipsis: true,
            render: (v: string | null, p) => v ?? <Typography.Text type="secondary">{p.registeredAddress ?? t('person.noHouse')}</Typography.Text>,
          },
          { title: t('person.colour'), dataIndex: 'colour', width: 90, render: (v: string | null) => <ColourChip code={v} showEmpty={false} /> },
          { title: t('person.tags'), dataIndex: 'tags', width: 200, render: (v: string[]) => <TagList codes={v} max={3} /> },
          {
            title: t('person.status'),
            dataIndex: 'status',
            width: 80,
            render: (v: string) => <StatusTag status={v} />,
          },
        ]}
        footer={() => (
          <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} testId="people-more" />
        )}
      />
    </Card>
  );
}

/** `search` (with leading ?) with one parameter set or removed. */
function withParam(search: string, key: string, value: string): string {
  const p = new URLSearchParams(search);
  if (value) p.set(key, value);
  else p.delete(key);
  const s = p.toString();
  return s ? `?${s}` : '';
}
