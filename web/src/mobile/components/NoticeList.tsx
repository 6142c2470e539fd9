import { useState } from 'react';
import { Badge, List } from 'antd-mobile';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../../shared/i18n';
import type { NoticeDto } from '../../shared/tickets';
import { shortTime } from '../lib/format';

interface Props {
  notices: NoticeDto[];
  markRead: (ids: number[]) => Promise<void>;
  /** Hide the card when nothing is unread (residents). */
  hideWhenRead?: boolean;
}

/** 提醒: unread first few, all on demand; a tap marks it read and opens the ticket. */
export function NoticeList({ notices, markRead, hideWhenRead }: Props) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [all, setAll] = useState(false);
  const unread = notices.filter((n) => !n.read);
  if (hideWhenRead && !unread.length) return null;
  const shown = all ? notices : unread.slice(0, 3);

  const open = (n: NoticeDto) => {
    if (!n.read) void markRead([n.id]);
    navigate(`/tickets/${n.ticketId}`);
  };

  return (
    <List
      mode="card"
      header={
        <div className="m-list-header">
          <span>
            {t('m.notices.title')}
            {unread.length > 0 && <Badge content={unread.length} style={{ marginLeft: 6 }} data-testid="notices-unread" />}
          </span>
          <span>
            {unread.length > 0 && (
              <a className="m-navlink" onClick={() => void markRead(unread.map((n) => n.id))} data-testid="notices-mark-read">
                {t('m.notices.markAll')}
              </a>
            )}
            {notices.length > 0 && (
              <a className="m-navlink" onClick={() => setAll((v) => !v)} data-testid="notices-toggle">
                {all ? t('m.notices.fold') : t('m.notices.all')}
              </a>
            )}
          </span>
        </div>
      }
      data-testid="notices"
    >
      {shown.length === 0 && <List.Item className="m-muted">{t('m.notices.empty')}</List.Item>}
      {shown.map((n) => (
        <List.Item
          key={n.id}
          onClick={() => open(n)}
          data-testid="notice-item"
          data-read={n.read ? '1' : '0'}
          prefix={<span className={n.read ? 'm-dot m-dot-read' : 'm-dot'} />}
          description={`${n.ticketNo} · ${shortTime(n.createdAt, lang)}`}
        >
          <div className={n.read ? 'm-muted' : undefined}>{n.message || n.title}</div>
        </List.Item>
      ))}
    </List>
  );
}
