import { List, Tag } from 'antd-mobile';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../../shared/i18n';
import { DUE_STATE_COLOR, OPEN_STATUSES, STATUS_COLOR, describeDue, ticketLabels, type TicketDto } from '../../shared/tickets';
import { shortTime } from '../lib/format';

/** One ticket in a list: status, what and where, and (for staff) the clock in its colour. */
export function TicketListItem({ ticket, showDue, testId = 'ticket-item' }: { ticket: TicketDto; showDue?: boolean; testId?: string }) {
  const { t, tx, lang } = useI18n();
  const labels = ticketLabels(tx);
  const navigate = useNavigate();
  const due = showDue && OPEN_STATUSES.includes(ticket.status) ? describeDue(ticket, t, lang) : '';
  const hot = ticket.dueState === 'overdue' || ticket.dueState === 'due_soon';
  return (
    <List.Item
      onClick={() => navigate(`/tickets/${ticket.id}`)}
      data-testid={testId}
      data-id={ticket.id}
      data-status={ticket.status}
      data-due={ticket.dueState}
      className={hot && showDue ? `m-item-${ticket.dueState}` : undefined}
      description={
        <div>
          <div className="m-item-meta">
            {ticket.categoryName} · {ticket.regionName}
          </div>
          <div className="m-item-meta">
            {shortTime(ticket.createdAt, lang)} · {ticket.no}
            {due && (
              <span className="m-item-due" style={{ color: DUE_STATE_COLOR[ticket.dueState] }} data-testid="ticket-item-due">
                {due}
              </span>
            )}
          </div>
        </div>
      }
      extra={
        <Tag color={STATUS_COLOR[ticket.status]} fill="outline">
          {labels.status(ticket.status)}
        </Tag>
      }
    >
      {/* The server titles a ticket by its category unless told otherwise: then the words say more. */}
      <div className="m-item-title">{ticket.title && ticket.title !== ticket.categoryName ? ticket.title : ticket.description}</div>
    </List.Item>
  );
}
