/**
 * 工单列表 (/tickets) and 我的待办 (/tickets?view=tasks): filters kept in the address bar, a
 * cursor-paged table, the deadline coloured by due state with the time left in words. The to-do
 * view starts with the inbox counts; each count is a one-click filter.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Col, Empty, Input, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { CHANNELS, OPEN_STATUSES, TICKET_STATUSES, ticketsApi, type Channel, type TicketDto, type TicketListQuery } from '../../shared/tickets';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { useUrlFilters } from '../people/urlState';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { CategoryTreeSelect, DeadlineCell, StatusTag } from './bits';
import { InboxBar } from './InboxBar';
import { formatMinute, useTicketLabels } from './labels';
import './tickets.css';

const FILTER_KEYS = ['status', 'due', 'categoryCode', 'channel', 'region', 'q'] as const;
const PAGE = 50;

/** Re-render every minute so "剩余 3小时" stays true while the page is open. */
function useMinuteTick() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const h = window.setInterval(() => setTick((n) => n + 1), 60_000);
    return () => window.clearInterval(h);
  }, []);
}

export default function TicketListPage() {
  const { t, lang } = useI18n();
  const labels = useTicketLabels();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [filters, setFilters, resetFilters] = useUrlFilters(['view', ...FILTER_KEYS] as const);
  const tasks = filters.view === 'tasks';
  const [text, setText] = useState(filters.q ?? '');
  useEffect(() => setText(filters.q ?? ''), [filters.q]);
  useMinuteTick();

  const query: TicketListQuery = useMemo(
    () => ({
      view: tasks ? 'tasks' : 'all',
      status: filters.status,
      due: filters.due === 'due_soon' || filters.due === 'overdue' ? filters.due : undefined,
      categoryCode: filters.categoryCode,
      channel: filters.channel as Channel | undefined,
      region: filters.region,
      q: filters.q,
    }),
    [tasks, filters],
  );
  const { items, cursor, loading, error, load } = useCursorList<TicketDto>((from, signal) => ticketsApi.list({ ...query, cursor: from, limit: PAGE }, signal), [query], {
    clearOnChange: 'items',
  });
  const [inboxKey, setInboxKey] = useState(0);

  const statuses = filters.status ? filters.status.split(',').filter(Boolean) : [];
  const anyFilter = FILTER_KEYS.some((k) => filters[k]);
  const openOnly = statuses.length === OPEN_STATUSES.length && OPEN_STATUSES.every((s) => statuses.includes(s));

  return (
    <Card
      size="small"
      title={tasks ? t('ticket.tasksTitle') : t('ticket.listTitle')}
      extra={
        <Space>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              void load(null);
              setInboxKey((k) => k + 1);
            }}
          >
            {t('common.refresh')}
          </Button>
          {can('ticket.report') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/tickets/new')} data-testid="ticket-create">
              {t('ticket.create')}
            </Button>
          )}
        </Space>
      }
    >
      {tasks && <InboxBar key={inboxKey} filters={filters} onFilter={(patch) => setFilters({ status: null, due: null, ...patch })} />}
      <div className="filter-bar" data-testid="ticket-filters">
        <Row gutter={[12, 8]} style={{ marginBottom: 12 }}>
          <Col xs={24} md={12} xl={6}>
            <Input.Search
              allowClear
              value={text}
              placeholder={t('ticket.searchPlaceholder')}
              onChange={(e) => {
                setText(e.target.value);
                if (!e.target.value && filters.q) setFilters({ q: null });
              }}
              onSearch={(v) => setFilters({ q: v.trim() })}
              data-testid="ticket-search"
            />
          </Col>
          <Col xs={24} md={12} xl={7}>
            <Space.Compact style={{ width: '100%' }}>
              <Select<string[]>
                mode="multiple"
                allowClear
                style={{ width: '100%' }}
                value={statuses}
                placeholder={t('ticket.statusPlaceholder')}
                maxTagCount="responsive"
                onChange={(v) => setFilters({ status: v.join(',') })}
                options={TICKET_STATUSES.map((s) => ({ value: s, label: labels.status(s) }))}
                data-testid="ticket-status-filter"
              />
              <Button type={openOnly ? 'primary' : 'default'} onClick={() => setFilters({ status: openOnly ? null : OPEN_STATUSES.join(',') })}>
                {t('ticket.openOnly')}
              </Button>
            </Space.Compact>
          </Col>
          <Col xs={12} md={6} xl={3}>
            <Select<string>
              allowClear
              style={{ width: '100%' }}
              value={filters.due}
              placeholder={t('ticket.duePlaceholder')}
              onChange={(v) => setFilters({ due: v })}
              options={[
                { value: 'due_soon', label: labels.dueState('due_soon') },
                { value: 'overdue', label: labels.dueState('overdue') },
              ]}
              data-testid="ticket-due-filter"
            />
          </Col>
          <Col xs={12} md={6} xl={4}>
            <CategoryTreeSelect value={filters.categoryCode} onChange={(v) => setFilters({ categoryCode: v })} placeholder={t('ticket.categoryPlaceholder')} data-testid="ticket-category-filter" />
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Select<string>
              allowClear
              style={{ width: '100%' }}
              value={filters.channel}
              placeholder={t('ticket.channelPlaceholder')}
              onChange={(v) => setFilters({ channel: v })}
              options={CHANNELS.map((c) => ({ value: c, label: labels.channel(c) }))}
            />
          </Col>
          <Col xs={12} md={12} xl={6}>
            <RegionTreeSelect value={filters.region ?? null} onChange={(c) => setFilters({ region: c })} placeholder={t('ticket.regionPlaceholder')} data-testid="ticket-region-filter" />
          </Col>
          <Col>
            <Button disabled={!anyFilter} onClick={resetFilters}>
              {t('common.reset')}
            </Button>
          </Col>
        </Row>
      </div>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<TicketDto>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1150 }}
        data-testid="ticket-table"
        onRow={(r) => ({
          onClick: (e) => {
            if ((e.target as HTMLElement).closest('a,button')) return;
            navigate(`/tickets/${r.id}`);
          },
          style: { cursor: 'pointer' },
        })}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={anyFilter ? t('ticket.emptyFiltered') : tasks ? t('ticket.tasksEmpty') : t('ticket.empty')} />,
        }}
        columns={[
          {
            title: t('ticket.no'),
            dataIndex: 'no',
            width: 176,
            fixed: 'left',
            render: (v: string, r) => (
              <Space size={4}>
                <Link to={`/tickets/${r.id}`} className="mono" data-testid={`ticket-link-${r.id}`}>
                  {v}
                </Link>
                {r.priority === 'urgent' && <Tag color="red">{t('ticket.urgent')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('ticket.title'),
            dataIndex: 'title',
            ellipsis: true,
            // Titles default to the category name; the description's start tells tickets apart.
            render: (v: string, r) => (
              <div className="ticket-title-cell" title={r.description}>
                <div>{v}</div>
                <Typography.Text type="secondary" ellipsis style={{ fontSize: 12 }}>
                  {r.description}
                </Typography.Text>
              </div>
            ),
          },
          { title: t('ticket.category'), dataIndex: 'categoryName', width: 130, ellipsis: true },
          { title: t('ticket.region'), dataIndex: 'regionName', width: 130, ellipsis: true },
          { title: t('ticket.statusCol'), dataIndex: 'status', width: 120, render: (v: string) => <StatusTag status={v} /> },
          {
            title: t('ticket.assignee'),
            key: 'assignee',
            width: 160,
            ellipsis: true,
            render: (_: unknown, r) =>
              r.assignee ? (
                <span title={r.assignee.name}>
                  {r.assignee.name} <span className="muted-level">{labels.tier(r.assignee.tier)}</span>
                </span>
              ) : (
                <Typography.Text type="secondary">—</Typography.Text>
              ),
          },
          { title: t('ticket.deadline'), key: 'due', width: 170, render: (_: unknown, r) => <DeadlineCell ticket={r} compact /> },
          { title: t('ticket.createdAt'), dataIndex: 'createdAt', width: 136, render: (v: string) => <span className="mono">{formatMinute(v, lang)}</span> },
        ]}
        footer={() => <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} testId="ticket-more" />}
      />
    </Card>
  );
}
