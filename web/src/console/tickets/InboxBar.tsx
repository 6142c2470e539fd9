/** The to-do counts above 我的待办: each a one-click filter; unread notices in a popover. */
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Badge, Button, Empty, Popover, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useI18n, type MessageKey } from '../../shared/i18n';
import { ticketsApi, type InboxCounts, type InboxDto } from '../../shared/tickets';
import { formatMinute } from './labels';

type Filters = { status?: string; due?: string };

interface Chip {
  key: keyof InboxCounts;
  label: MessageKey;
  filter: Filters;
  color?: string;
}

const CHIPS: Chip[] = [
  { key: 'toAccept', label: 'ticket.inbox.toAccept', filter: { status: 'reported' } },
  { key: 'newTasks', label: 'ticket.inbox.newTasks', filter: { status: 'dispatched' } },
  { key: 'inProgress', label: 'ticket.inbox.inProgress', filter: { status: 'in_progress' } },
  { key: 'toVerify', label: 'ticket.inbox.toVerify', filter: { status: 'handled' } },
  { key: 'dueSoon', label: 'ticket.inbox.dueSoon', filter: { due: 'due_soon' }, color: '#fa8c16' },
  { key: 'overdue', label: 'ticket.inbox.overdue', filter: { due: 'overdue' }, color: '#cf1322' },
];

export function InboxBar({ filters, onFilter }: { filters: Filters; onFilter: (patch: Filters) => void }) {
  const { t, lang } = useI18n();
  const [inbox, setInbox] = useState<InboxDto | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback((signal?: AbortSignal) => {
    ticketsApi
      .inbox(signal)
      .then((r) => {
        setInbox(r);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!(err instanceof DOMException && err.name === 'AbortError')) setError(errorMessage(err));
      });
  }, []);

  useEffect(() => {
    const ctl = new AbortController();
    load(ctl.signal);
    return () => ctl.abort();
  }, [load]);

  if (error) return <Typography.Paragraph type="danger">{error}</Typography.Paragraph>;
  if (!inbox) return null;
  const unread = inbox.notices.filter((n) => !n.read);
  const active = (c: Chip) => Object.entries(c.filter).every(([k, v]) => filters[k as keyof Filters] === v);

  return (
    <div className="ticket-inbox" data-testid="ticket-inbox">
      {CHIPS.map((c) => (
        <button
          key={c.key}
          type="button"
          className={`ticket-inbox-chip${active(c) ? ' active' : ''}`}
          onClick={() => onFilter(active(c) ? {} : c.filter)}
          data-testid={`inbox-${c.key}`}
        >
          <span className="n" style={c.color && inbox.counts[c.key] > 0 ? { color: c.color } : undefined}>
            {inbox.counts[c.key]}
          </span>
          <span className="l">{t(c.label)}</span>
        </button>
      ))}
      <Popover
        trigger="click"
        placement="bottomRight"
        title={t('ticket.inbox.notices')}
        content={
          <div style={{ width: 360, maxHeight: 360, overflow: 'auto' }}>
            {unread.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ticket.inbox.noNotices')} />
            ) : (
              <>
                {unread.map((n) => (
                  <div key={n.id} className="ticket-dup">
                    <div>
                      <Link to={`/tickets/${n.ticketId}`} className="mono">
                        {n.ticketNo}
                      </Link>{' '}
                      {n.message}
                      <div className="ticket-event-meta">
                        {n.title} · {formatMinute(n.createdAt, lang)}
                      </div>
                    </div>
                  </div>
                ))}
                <Button
                  size="small"
                  style={{ marginTop: 8 }}
                  onClick={() =>
                    void ticketsApi
                      .markRead(unread.map((n) => n.id))
                      .then(() => load())
                      .catch(() => undefined)
                  }
                >
                  {t('ticket.inbox.markRead')}
                </Button>
              </>
            )}
          </div>
        }
      >
        <button type="button" className="ticket-inbox-chip" data-testid="inbox-unread">
          <span className="n">
            <Badge dot={inbox.counts.unread > 0} offset={[6, 0]}>
              <BellOutlined /> {inbox.counts.unread}
            </Badge>
          </span>
          <span className="l">{t('ticket.inbox.unread')}</span>
        </button>
      </Popover>
    </div>
  );
}
