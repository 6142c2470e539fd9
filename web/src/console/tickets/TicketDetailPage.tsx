/**
 * 工单详情: header (number, status, due state, deadlines), the matter, where it is, what was done,
 * the timeline, probable duplicates, and the buttons the server says the user may press now.
 */
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Descriptions, Empty, Row, Space, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { ApiError, errorMessage } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import { DANGER_ACTIONS, PRIMARY_ACTIONS, ticketsApi, type TicketAction, type TicketDetailDto } from '../../shared/tickets';
import { PageSpin } from '../components/PageSpin';
import { ActionModal } from './ActionModal';
import { DeadlineCell, DueStateTag, DuplicateList, PhotoWall, StatusTag } from './bits';
import { formatMinute, useTicketLabels } from './labels';
import { Progress, Timeline } from './Timeline';
import { TicketMap } from './TicketMap';
import './tickets.css';

export default function TicketDetailPage() {
  const { id } = useParams();
  const { t, lang } = useI18n();
  const labels = useTicketLabels();
  const [ticket, setTicket] = useState<TicketDetailDto | null>(null);
  const [error, setError] = useState<{ message: string; status: number } | null>(null);
  const [loading, setLoading] = useState(false);
  const [action, setAction] = useState<TicketAction | null>(null);

  const load = useCallback(
    (signal?: AbortSignal) => {
      if (!id) return;
      setLoading(true);
      ticketsApi
        .get(id, signal)
        .then((r) => {
          setTicket(r);
          setError(null);
        })
        .catch((err: unknown) => {
          if (err instanceof DOMException && err.name === 'AbortError') return;
          setError({ message: errorMessage(err), status: err instanceof ApiError ? err.status : 0 });
        })
        .finally(() => !signal?.aborted && setLoading(false));
    },
    [id],
  );

  useEffect(() => {
    const ctl = new AbortController();
    load(ctl.signal);
    return () => ctl.abort();
  }, [load]);

  if (!ticket) {
    if (error) {
      return <Alert type="error" showIcon title={error.status === 404 || error.status === 403 ? t('ticket.notFound') : error.message} action={<Link to="/tickets">{t('ticket.back')}</Link>} />;
    }
    return <PageSpin />;
  }

  const tk = ticket;
  const reporter = tk.anonymous && !tk.reporterName ? t('ticket.anonymous') : [tk.reporterName, tk.reporterPhone].filter(Boolean).join(' ') || '—';

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="ticket-detail">
      <Card size="small">
        <div className="ticket-header">
          <span className="ticket-header-no mono" data-testid="ticket-no">
            {tk.no}
          </span>
          <StatusTag status={tk.status} />
          <DueStateTag state={tk.dueState} />
          {tk.priority === 'urgent' && <Tag color="red">{t('ticket.priority.urgent')}</Tag>}
          {tk.mine && <Tag>{t('ticket.mine')}</Tag>}
          <span className="ticket-header-title">{tk.title}</span>
          <span style={{ flex: 1 }} />
          <Button icon={<ReloadOutlined />} loading={loading} onClick={() => load()}>
            {t('common.refresh')}
          </Button>
          <Link to="/tickets">{t('ticket.back')}</Link>
        </div>
        <Descriptions
          size="small"
          style={{ marginTop: 12 }}
          column={{ xs: 1, md: 2, xl: 4 }}
          items={[
            { key: 'assignee', label: t('ticket.assignee'), children: tk.assignee ? `${tk.assignee.name}（${labels.tier(tk.assignee.tier)}）` : '—' },
            {
              key: 'respondDue',
              label: t('ticket.respondDue'),
              children: <DueTime at={tk.respondDueAt} done={tk.respondedAt} overdue={tk.respondOverdue} overdueLabel={t('ticket.respondOverdue')} lang={lang} />,
            },
            {
              key: 'resolveDue',
              label: t('ticket.resolveDue'),
              children: <DueTime at={tk.resolveDueAt} done={tk.handledAt} overdue={tk.resolveOverdue} overdueLabel={t('ticket.resolveOverdue')} lang={lang} />,
            },
            { key: 'now', label: t('ticket.deadline'), children: <DeadlineCell ticket={tk} /> },
            ...(tk.leaderName ? [{ key: 'leader', label: t('ticket.leader'), children: tk.leaderName }] : []),
            ...(tk.reopenCount || tk.supervisedCount || tk.escalations
              ? [{ key: 'counters', label: t('ticket.progress'), children: t('ticket.counters', { reopen: tk.reopenCount, supervised: tk.supervisedCount, escalations: tk.escalations }) }]
              : []),
          ]}
        />
        {tk.extensionRequestedDays != null && <Alert type="info" showIcon style={{ marginTop: 8 }} title={t('ticket.extensionRequested', { days: tk.extensionRequestedDays })} />}
        {tk.mergedIntoId != null && (
          <Alert
            type="info"
            showIcon
            style={{ marginTop: 8 }}
            title={
              <span>
                {t('ticket.mergedInto')} <Link to={`/tickets/${tk.mergedIntoId}`}>#{tk.mergedIntoId}</Link>
              </span>
            }
          />
        )}
        <div className="ticket-actions" style={{ marginTop: 12 }} data-testid="ticket-actions">
          {tk.actions.length === 0 ? (
            <Typography.Text type="secondary">{t('ticket.noActions')}</Typography.Text>
          ) : (
            tk.actions.map((a) => (
              <Button key={a} type={PRIMARY_ACTIONS.has(a) ? 'primary' : 'default'} danger={DANGER_ACTIONS.has(a)} onClick={() => setAction(a)} data-testid={`ticket-action-${a}`}>
                {labels.action(a)}
              </Button>
            ))
          )}
        </div>
      </Card>

      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title={t('ticket.description')}>
              <Descriptions
                size="small"
                column={{ xs: 1, md: 2 }}
                items={[
                  { key: 'category', label: t('ticket.category'), children: `${tk.categoryName}（${tk.categoryCode}）` },
                  { key: 'type', label: t('ticket.type'), children: labels.type(tk.type) },
                  { key: 'channel', label: t('ticket.channel'), children: labels.channel(tk.channel) },
                  { key: 'created', label: t('ticket.createdAt'), children: formatMinute(tk.createdAt, lang) },
                  { key: 'region', label: t('ticket.region'), children: tk.regionName },
                  { key: 'address', label: t('ticket.address'), children: tk.address ?? '—' },
                  { key: 'reporter', label: t('ticket.reporter'), children: <span data-testid="ticket-reporter">{reporter}</span> },
                  ...(tk.externalId ? [{ key: 'ext', label: t('ticket.externalId'), children: <span className="mono">{tk.externalId}</span> }] : []),
                  ...(tk.personId ? [{ key: 'person', label: t('ticket.person'), children: <Link to={`/people/${tk.personId}`}>#{tk.personId}</Link> }] : []),
                  ...(tk.householdId ? [{ key: 'household', label: t('ticket.household'), children: <Link to={`/households/${tk.householdId}`}>#{tk.householdId}</Link> }] : []),
                ]}
              />
              <Typography.Paragraph className="ticket-desc" style={{ marginTop: 8 }} data-testid="ticket-description">
                {tk.description}
              </Typography.Paragraph>
              <Typography.Text type="secondary">{t('ticket.photos')}</Typography.Text>
              <div style={{ marginTop: 6 }}>
                <PhotoWall ids={tk.photos} testId="ticket-photos" />
              </div>
            </Card>
            {(tk.handleNote || tk.handlePhotos.length > 0 || tk.refuseReason || tk.rating) && (
              <Card size="small" title={t('ticket.handleNote')}>
                {tk.refuseReason && <Alert type="warning" showIcon title={`${t('ticket.refuseReason')}：${tk.refuseReason}`} style={{ marginBottom: 8 }} />}
                {tk.handleNote && <Typography.Paragraph className="ticket-desc">{tk.handleNote}</Typography.Paragraph>}
                {tk.handlePhotos.length > 0 && (
                  <>
                    <Typography.Text type="secondary">{t('ticket.handlePhotos')}</Typography.Text>
                    <div style={{ marginTop: 6 }}>
                      <PhotoWall ids={tk.handlePhotos} testId="ticket-handle-photos" />
                    </div>
                  </>
                )}
                {tk.rating && (
                  <div style={{ marginTop: 8 }}>
                    {t('ticket.rating')}：<Tag color={tk.rating === 'unsatisfied' ? 'red' : 'green'}>{labels.rating(tk.rating)}</Tag>
                    {tk.ratingNote}
                  </div>
                )}
              </Card>
            )}
            <Card size="small" title={t('ticket.timeline')}>
              <Timeline events={tk.events} />
            </Card>
          </Space>
        </Col>
        <Col xs={24} xl={9}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title={t('ticket.location')}>
              {tk.lng == null && <Typography.Paragraph type="secondary">{t('ticket.noPoint')}</Typography.Paragraph>}
              <TicketMap regionCode={tk.regionCode} point={tk.lng != null && tk.lat != null ? { lng: tk.lng, lat: tk.lat } : null} height={240} data-testid="ticket-map" />
            </Card>
            <Card size="small" title={t('ticket.progress')}>
              <Progress ticket={tk} />
            </Card>
            <Card size="small" title={t('ticket.dup.title')}>
              {tk.duplicates.length ? <DuplicateList items={tk.duplicates} /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.none')} />}
            </Card>
          </Space>
        </Col>
      </Row>
      <ActionModal
        ticket={tk}
        action={action}
        onClose={() => setAction(null)}
        onDone={(r) => {
          setAction(null);
          setTicket(r);
        }}
        onStale={() => load()}
      />
    </Space>
  );
}

function DueTime({ at, done, overdue, overdueLabel, lang }: { at: string | null; done: string | null; overdue: boolean; overdueLabel: string; lang: string }) {
  if (!at) return <>—</>;
  return (
    <Space size={4} wrap>
      <span className={done ? undefined : overdue ? 'text-error' : undefined}>{formatMinute(at, lang)}</span>
      {overdue && <Tag color="red">{overdueLabel}</Tag>}
    </Space>
  );
}
