import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { Button, ErrorBlock, List, NavBar, NoticeBar, PullToRefresh, Steps, Tag } from 'antd-mobile';
import { ApiError, errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { DUE_STATE_COLOR, OPEN_STATUSES, STATUS_COLOR, currentDeadline, describeDue, ticketLabels, ticketsApi, type TicketDetailDto } from '../../shared/tickets';
import { PageLoading } from '../components/PageLoading';
import { PhotoGrid } from '../components/PhotoGrid';
import { TicketActions } from '../components/TicketActions';
import { fullTime, shortTime } from '../lib/format';
import { homePath, isResident } from '../roles';
import { usePolling } from '../lib/usePolling';

const TicketMap = lazy(() => import('../map/TicketMap'));
const REFRESH_MS = 30_000;

export default function TicketPage() {
  const { t, tx, lang } = useI18n();
  const labels = ticketLabels(tx);
  const { id } = useParams();
  const { user } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const created = (location.state as { created?: boolean } | null)?.created === true;
  const resident = isResident(user);
  const [ticket, setTicket] = useState<TicketDetailDto | null>(null);
  const [error, setError] = useState<{ message: string; notFound: boolean } | null>(null);

  const load = useCallback(async () => {
    try {
      setTicket(await ticketsApi.get(id ?? ''));
      setError(null);
    } catch (err) {
      setError({ message: errorMessage(err), notFound: err instanceof ApiError && err.status === 404 });
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  // While the matter is open, follow it: the reporter sees it accepted and handled, the grid
  // worker sees a return or a supervision, without pulling. A failed refresh keeps what is shown.
  const refresh = useCallback(() => {
    ticketsApi.get(id ?? '').then(setTicket, () => undefined);
  }, [id]);
  usePolling(refresh, REFRESH_MS, ticket != null && OPEN_STATUSES.includes(ticket.status));

  const back = () => {
    // Opened from a link or after a reload: there is no in-app page to go back to.
    if (location.key !== 'default' && window.history.length > 1) navigate(-1);
    else navigate(homePath(user), { replace: true });
  };

  const header = (
    <NavBar onBack={back} data-testid="ticket-back">
      {t('m.detail.title')}
    </NavBar>
  );

  if (!ticket) {
    return (
      <div className="m-page m-page-full">
        {header}
        {error ? (
          <ErrorBlock status={error.notFound ? 'empty' : 'default'} title={t('m.loadFailed')} description={error.message}>
            {!error.notFound && (
              <Button color="primary" onClick={() => void load()}>
                {t('common.retry')}
              </Button>
            )}
          </ErrorBlock>
        ) : (
          <PageLoading />
        )}
      </div>
    );
  }

  const deadline = currentDeadline(ticket);
  const due = describeDue(ticket, t, lang);
  // Without tiles the map still shows the grids around the point (staff: their area's).
  const showMap = ticket.lng != null && ticket.lat != null;
  const open = OPEN_STATUSES.includes(ticket.status);
  const events = [...ticket.events].sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id);

  return (
    <div className="m-page m-page-full" data-testid="ticket-page" data-status={ticket.status} data-version={ticket.version}>
      {header}
      <div className="m-page-scroll">
        <PullToRefresh onRefresh={load} pullingText={t('m.pull.pulling')} canReleaseText={t('m.pull.canRelease')} refreshingText={t('m.pull.refreshing')} completeText={t('m.pull.complete')}>
          {created && <NoticeBar color="success" content={`${t('m.report.done')} · ${t('m.report.doneNo', { no: ticket.no })}`} data-testid="report-done" />}

          <div className="m-ticket-head">
            <div className="m-ticket-head-top">
              <Tag color={STATUS_COLOR[ticket.status]} data-testid="ticket-status" data-status={ticket.status}>
                {labels.status(ticket.status)}
              </Tag>
              {ticket.priority === 'urgent' && <Tag color="danger">{labels.priority('urgent')}</Tag>}
              <span className="m-muted m-small" data-testid="ticket-no">
                {ticket.no}
              </span>
            </div>
            <div className="m-ticket-title">{ticket.title || ticket.categoryName}</div>
            {open && due && (
              <div className="m-due" style={{ color: DUE_STATE_COLOR[ticket.dueState] }} data-testid="ticket-due" data-due={ticket.dueState}>
                {deadline ? `${tx(`ticket.dueKind.${deadline.kind}`, deadline.kind)} · ` : ''}
                {due}
              </div>
            )}
            {ticket.extensionRequestedDays != null && <div className="m-small m-warn-text">{t('m.detail.extension', { n: ticket.extensionRequestedDays })}</div>}
          </div>

          <List mode="card" header={t('m.detail.description')}>
            <List.Item>
              <div className="m-prewrap" data-testid="ticket-description">
                {ticket.description}
              </div>
              <PhotoGrid ids={ticket.photos} testId="ticket-photos" />
            </List.Item>
          </List>

          <List mode="card">
            <List.Item extra={ticket.categoryName}>{t('m.detail.category')}</List.Item>
            {!resident && <List.Item extra={labels.channel(ticket.channel)}>{t('m.detail.channel')}</List.Item>}
            <List.Item extra={ticket.regionName}>{t('m.detail.region')}</List.Item>
            {ticket.address && <List.Item extra={ticket.address}>{t('m.detail.address')}</List.Item>}
            {!resident && (
              <List.Item extra={ticket.anonymous && !ticket.reporterName ? t('m.detail.anonymous') : [ticket.reporterName, ticket.reporterPhone].filter(Boolean).join(' ') || '—'}>
                {t('m.detail.reporter')}
              </List.Item>
            )}
            {ticket.assignee && <List.Item extra={ticket.assignee.name}>{t('m.detail.assignee')}</List.Item>}
            <List.Item extra={fullTime(ticket.createdAt)}>{t('m.detail.createdAt')}</List.Item>
            {open && deadline && <List.Item extra={fullTime(deadline.at)}>{t('m.detail.due')}</List.Item>}
            {ticket.supervisedCount > 0 && <List.Item extra={t('m.detail.supervised', { n: ticket.supervisedCount })}>{labels.action('supervise')}</List.Item>}
          </List>

          {showMap && (
            <List mode="card" header={t('m.detail.map')}>
              <Suspense fallback={<div className="m-ticket-map" />}>
                <TicketMap lng={ticket.lng!} lat={ticket.lat!} />
              </Suspense>
            </List>
          )}

          {(ticket.handleNote || ticket.handlePhotos.length > 0) && (
            <List mode="card" header={t('m.detail.handleNote')}>
              <List.Item>
                {ticket.handleNote && <div className="m-prewrap">{ticket.handleNote}</div>}
                <PhotoGrid ids={ticket.handlePhotos} testId="ticket-handle-photos" />
              </List.Item>
            </List>
          )}

          {ticket.refuseReason && (
            <List mode="card" header={t('m.detail.refuseReason')}>
              <List.Item>
                <div className="m-prewrap">{ticket.refuseReason}</div>
              </List.Item>
            </List>
          )}

          {ticket.rating && (
            <List mode="card" header={resident ? t('m.detail.rating') : labels.action('rate')}>
              <List.Item description={ticket.ratingNote ?? undefined} data-testid="ticket-rating" data-rating={ticket.rating}>
                <Tag color={ticket.rating === 'unsatisfied' ? 'danger' : 'success'}>{labels.rating(ticket.rating)}</Tag>
              </List.Item>
            </List>
          )}

          {!resident && ticket.duplicates.length > 0 && (
            <List mode="card" header={t('m.detail.duplicates')}>
              {ticket.duplicates.map((d) => (
                <List.Item key={d.id} onClick={() => navigate(`/tickets/${d.id}`)} description={`${t('m.report.dupDistance', { m: Math.round(d.distanceM) })} · ${shortTime(d.createdAt, lang)}`}>
                  {d.title}
                </List.Item>
              ))}
            </List>
          )}

          <List mode="card" header={t('m.detail.timeline')}>
            <div className="m-timeline" data-testid="ticket-timeline">
              <Steps direction="vertical" current={0}>
                {events.map((e, i) => (
                  <Steps.Step
                    key={e.id}
                    status={i === 0 ? 'process' : 'finish'}
                    title={
                      <span data-testid="timeline-event" data-action={e.action}>
                        {labels.action(e.action)}
                        {e.toStatus && e.toStatus !== e.fromStatus ? <span className="m-muted m-small"> → {labels.status(e.toStatus)}</span> : null}
                      </span>
                    }
                    description={
                      <div>
                        <div className="m-small">
                          {shortTime(e.at, lang)}
                          {e.actorName ? ` · ${e.actorName}` : ''}
                        </div>
                        {e.note && <div className="m-prewrap m-timeline-note">{e.note}</div>}
                      </div>
                    }
                  />
                ))}
              </Steps>
            </div>
          </List>
          <div className="m-bottom-space" />
        </PullToRefresh>
      </div>
      <TicketActions ticket={ticket} onChanged={setTicket} onStale={() => void load()} />
    </div>
  );
}
