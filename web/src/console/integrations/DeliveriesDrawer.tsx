/**
 * 投递记录 of one webhook endpoint: each event with its state, attempts (status code, error,
 * duration) in the expandable row, the next attempt, and 重新投递. Cursor-paged, newest first;
 * refreshes itself while events are pending.
 */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Drawer, Segmented, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import {
  DELIVERY_STATUS_COLOR,
  DELIVERY_STATUSES,
  webhooksApi,
  type DeliveryStatus,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../../shared/integrations';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { formatTime } from '../labels';
import { useIntegrationLabels } from './labels';

const PAGE = 50;
const POLL_MS = 5000;

export function DeliveryStatusTag({ d }: { d: Pick<WebhookDelivery, 'status'> }) {
  const labels = useIntegrationLabels();
  return (
    <Tag color={DELIVERY_STATUS_COLOR[d.status] ?? 'default'} style={{ marginInlineEnd: 0 }} data-testid="delivery-status">
      {labels.delivery(d.status)}
    </Tag>
  );
}

/** "HTTP 204 · 35 ms" or the error of the last attempt. */
function lastOutcome(d: WebhookDelivery): string {
  const last = d.log[d.log.length - 1];
  const code = d.lastStatusCode ?? last?.statusCode ?? null;
  const err = d.lastError ?? last?.error ?? null;
  const parts = [code !== null ? `HTTP ${code}` : null, err && !(code !== null && err === `HTTP ${code}`) ? err : null].filter(Boolean);
  return parts.join(' · ');
}

function AttemptLog({ log }: { log: WebhookAttempt[] }) {
  const { t, lang } = useI18n();
  if (!log.length) return <Typography.Text type="secondary">{t('integ.dl.log.empty')}</Typography.Text>;
  return (
    <Table<WebhookAttempt>
      size="small"
      rowKey={(a) => `${a.attempt}-${a.at}`}
      pagination={false}
      dataSource={log}
      data-testid="delivery-attempts"
      columns={[
        { title: t('integ.dl.log.attempt'), dataIndex: 'attempt', width: 70, align: 'right' },
        { title: t('integ.dl.log.at'), dataIndex: 'at', width: 170, render: (v: string) => formatTime(v, lang) },
        {
          title: t('integ.dl.log.statusCode'),
          dataIndex: 'statusCode',
          width: 90,
          render: (v: number | null) => (v === null ? '—' : <Tag color={v >= 200 && v < 300 ? 'green' : 'red'}>{v}</Tag>),
        },
        { title: t('integ.dl.log.error'), dataIndex: 'error', render: (v: string | null) => (v ? <span className="mono text-error">{v}</span> : '—') },
        { title: t('integ.dl.log.duration'), dataIndex: 'durationMs', width: 100, align: 'right', render: (v: number) => t('integ.dl.log.ms', { n: v }) },
      ]}
    />
  );
}

export function DeliveriesDrawer({ endpoint, onClose, onChanged }: { endpoint: WebhookEndpoint | null; onClose: () => void; onChanged?: (latest: WebhookDelivery | null) => void }) {
  const { t, lang } = useI18n();
  const labels = useIntegrationLabels();
  const { message } = App.useApp();
  const [status, setStatus] = useState<DeliveryStatus | 'all'>('all');
  const [busyId, setBusyId] = useState<number | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const id = endpoint?.id ?? null;

  const { items, setItems, cursor, loading, error, load } = useCursorList<WebhookDelivery>(
    (from, signal) => (id ? webhooksApi.deliveries(id, { status: status === 'all' ? undefined : status, cursor: from, limit: PAGE }, signal) : Promise.resolve({ items: [], nextCursor: null })),
    [id, status],
    { clearOnChange: 'all' },
  );

  // Tell the list page the newest delivery (its "last delivery" column), once a load has answered.
  const answered = useRef(false);
  if (loading) answered.current = true;
  useEffect(() => {
    if (id && status === 'all' && answered.current && !loading && !error) onChanged?.(items[0] ?? null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items, loading]);

  // While something is pending and only the first page is shown, reload it every few seconds.
  const pending = items.some((d) => d.status === 'pending');
  const firstPageOnly = items.length <= PAGE;
  useEffect(() => {
    if (!id || !pending || !firstPageOnly) return;
    const timer = window.setTimeout(() => void load(null), POLL_MS);
    return () => window.clearTimeout(timer);
  }, [id, pending, firstPageOnly, items, load]);

  useEffect(() => {
    setStatus('all');
    setActionError(null);
    answered.current = false;
  }, [id]);

  const redeliver = async (d: WebhookDelivery) => {
    if (!id) return;
    setBusyId(d.id);
    setActionError(null);
    try {
      const next = await webhooksApi.redeliver(id, d.id);
      setItems((list) => list.map((x) => (x.id === next.id ? next : x)));
      message.success(t('integ.dl.redelivered'));
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusyId(null);
    }
  };

  return (
    <Drawer
      open={!!endpoint}
      onClose={onClose}
      size={1000}
      title={endpoint ? t('integ.dl.title', { url: endpoint.url }) : ''}
      destroyOnHidden
      data-testid="deliveries-drawer"
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => void load(null)} loading={loading} data-testid="deliveries-refresh">
          {t('common.refresh')}
        </Button>
      }
    >
      <Space style={{ marginBottom: 12 }} wrap>
        <Segmented<DeliveryStatus | 'all'>
          value={status}
          onChange={setStatus}
          options={[{ value: 'all', label: t('integ.dl.all') }, ...DELIVERY_STATUSES.map((s) => ({ value: s, label: labels.delivery(s) }))]}
          data-testid="deliveries-status"
        />
        {pending && firstPageOnly && <Typography.Text type="secondary">{t('integ.dl.autoRefresh')}</Typography.Text>}
      </Space>
      {(error || actionError) && <Alert type="error" showIcon title={actionError ?? error} style={{ marginBottom: 12 }} />}
      <Table<WebhookDelivery>
        size="small"
        rowKey="id"
        loading={loading && !items.length}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1160 }}
        locale={{ emptyText: t('integ.dl.empty') }}
        data-testid="deliveries-table"
        expandable={{ expandedRowRender: (d) => <AttemptLog log={d.log} />, rowExpandable: () => true }}
        columns={[
          {
            title: t('integ.dl.event'),
            key: 'event',
            width: 270,
            render: (_: unknown, d) => (
              <div>
                <div>
                  {labels.event(d.eventType)} <span className="muted-level mono">{d.eventType}</span>
                </div>
                <Typography.Text type="secondary" className="mono" style={{ fontSize: 12, maxWidth: 250 }} ellipsis={{ tooltip: d.eventId }} copyable={{ text: d.eventId }}>
                  {d.eventId}
                </Typography.Text>
              </div>
            ),
          },
          {
            title: t('integ.dl.ticket'),
            dataIndex: 'ticketId',
            width: 80,
            render: (v: number | null) => (v ? <Link to={`/tickets/${v}`}>#{v}</Link> : '—'),
          },
          { title: t('integ.dl.created'), dataIndex: 'createdAt', width: 165, render: (v: string) => formatTime(v, lang) },
          {
            title: t('integ.dl.status'),
            key: 'status',
            width: 150,
            render: (_: unknown, d) => (
              <div>
                <DeliveryStatusTag d={d} />
                {d.deliveredAt && (
                  <div className="muted-level" style={{ marginInlineStart: 0, fontSize: 12 }}>
                    {t('integ.dl.deliveredAt', { time: formatTime(d.deliveredAt, lang) })}
                  </div>
                )}
              </div>
            ),
          },
          {
            title: t('integ.dl.attempts'),
            key: 'attempts',
            width: 170,
            render: (_: unknown, d) => {
              const last = lastOutcome(d);
              return (
                <div>
                  <span>{t('integ.dl.attemptsN', { n: d.attempts })}</span>
                  {last && (
                    <Tooltip title={last}>
                      <div className={`mono integ-ellipsis${d.lastError ? ' text-error' : ''}`} style={{ fontSize: 12 }}>
                        {last}
                      </div>
                    </Tooltip>
                  )}
                </div>
              );
            },
          },
          { title: t('integ.dl.nextAttempt'), dataIndex: 'nextAttemptAt', width: 165, render: (v: string | null) => (v ? formatTime(v, lang) : '—') },
          {
            title: t('common.actions'),
            key: 'a',
            width: 120,
            fixed: 'right',
            render: (_: unknown, d) => (
              <Button size="small" icon={<SendOutlined />} loading={busyId === d.id} onClick={() => void redeliver(d)} data-testid={`redeliver-${d.id}`}>
                {t('integ.dl.redeliver')}
              </Button>
            ),
          },
        ]}
        footer={() => <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} testId="deliveries-more" />}
      />
    </Drawer>
  );
}
