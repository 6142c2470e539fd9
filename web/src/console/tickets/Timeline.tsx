/** The ticket's history (流转记录, newest first) and its progress through the loop. */
import { Link } from 'react-router-dom';
import { Empty, Steps, Timeline as AntTimeline, Typography } from 'antd';
import { useI18n, type MessageKey, type TFunction } from '../../shared/i18n';
import type { EventDto, TicketDetailDto } from '../../shared/tickets';
import { PhotoWall } from './bits';
import { formatMinute, useTicketLabels } from './labels';

const RED = '#cf1322';
const ORANGE = '#fa8c16';
const GREEN = '#389e0d';
const COLOR: Record<string, string> = {
  refuse: RED,
  return: RED,
  reject_verification: RED,
  reject_extension: RED,
  supervise: ORANGE,
  escalate: ORANGE,
  assign_leader: ORANGE,
  request_extension: ORANGE,
  handle: GREEN,
  verify: GREEN,
  close: GREEN,
  rate: GREEN,
};

/** Fields of an event's `data` worth a line of their own (the unit, the days asked for …). */
function dataLine(data: unknown, labels: ReturnType<typeof useTicketLabels>, t: TFunction, lang: string): string | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  const parts: string[] = [];
  const target = d.target as { name?: string; tier?: string } | undefined;
  if (target && typeof target === 'object' && target.name) parts.push(`→ ${target.name}${target.tier ? `（${labels.tier(target.tier)}）` : ''}`);
  if (typeof d.days === 'number') parts.push(t('ticket.event.days', { days: d.days }));
  if (typeof d.resolveDueAt === 'string') parts.push(t('ticket.event.newDue', { at: formatMinute(d.resolveDueAt, lang) }));
  if (typeof d.rating === 'string') parts.push(labels.rating(d.rating));
  if (d.reopened === true) parts.push(t('ticket.event.reopened'));
  if (typeof d.leaderName === 'string') parts.push(d.leaderName);
  if (typeof d.channel === 'string') parts.push(labels.channel(d.channel));
  return parts.length ? parts.join(' · ') : null;
}

/** The other ticket an event points at (merged into / merged from). */
function linkedTicket(e: EventDto): number | null {
  const d = e.data as Record<string, unknown> | null;
  const id = d?.intoId ?? d?.fromId;
  return typeof id === 'number' ? id : null;
}

export function Timeline({ events }: { events: readonly EventDto[] }) {
  const { t, lang } = useI18n();
  const labels = useTicketLabels();
  if (!events.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ticket.noEvents')} />;
  const newestFirst = [...events].sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id);
  return (
    <AntTimeline
      data-testid="ticket-timeline"
      items={newestFirst.map((e) => {
        const extra = dataLine(e.data, labels, t, lang);
        const linked = linkedTicket(e);
        const photos = (e.data as { photos?: unknown } | null)?.photos;
        return {
          key: e.id,
          color: COLOR[e.action] ?? '#1677ff',
          content: (
            <div data-testid="ticket-event">
              <div>
                <Typography.Text strong>{labels.action(e.action)}</Typography.Text>
                {e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus && (
                  <Typography.Text type="secondary">
                    {'  '}
                    {t('ticket.statusChange', { from: labels.status(e.fromStatus), to: labels.status(e.toStatus) })}
                  </Typography.Text>
                )}
              </div>
              <div className="ticket-event-meta">
                {formatMinute(e.at, lang)} · {e.actorName ?? t('ticket.system')}
              </div>
              {extra && <div className="ticket-event-meta">{extra}</div>}
              {linked && (
                <div className="ticket-event-meta">
                  <Link to={`/tickets/${linked}`}>#{linked}</Link>
                </div>
              )}
              {e.note && <div className="ticket-event-note">{e.note}</div>}
              {Array.isArray(photos) && photos.length > 0 && (
                <div style={{ marginTop: 4 }}>
                  <PhotoWall ids={photos as string[]} size={48} />
                </div>
              )}
            </div>
          ),
        };
      })}
    />
  );
}

const STEPS: { key: keyof TicketDetailDto; label: MessageKey }[] = [
  { key: 'createdAt', label: 'ticket.action.report' },
  { key: 'acceptedAt', label: 'ticket.acceptedAt' },
  { key: 'dispatchedAt', label: 'ticket.dispatchedAt' },
  { key: 'respondedAt', label: 'ticket.respondedAt' },
  { key: 'handledAt', label: 'ticket.handledAt' },
  { key: 'verifiedAt', label: 'ticket.verifiedAt' },
  { key: 'closedAt', label: 'ticket.closedAt' },
];

/** Reported → accepted → dispatched → responded → handled → verified → closed, with the times. */
export function Progress({ ticket }: { ticket: TicketDetailDto }) {
  const { t, lang } = useI18n();
  const labels = useTicketLabels();
  const stopped = ticket.status === 'refused' || ticket.status === 'merged';
  const current = STEPS.findIndex((s) => !ticket[s.key]);
  return (
    <Steps
      orientation="vertical"
      size="small"
      current={current < 0 ? STEPS.length : current}
      status={stopped ? 'error' : current < 0 ? 'finish' : 'process'}
      items={STEPS.map((s, i) => {
        const at = ticket[s.key] as string | null;
        return {
          title: stopped && i === current ? labels.status(ticket.status) : t(s.label),
          content: at ? formatMinute(at, lang) : undefined,
        };
      })}
    />
  );
}
