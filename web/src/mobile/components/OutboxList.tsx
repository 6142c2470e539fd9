import { Button, Dialog, List, Tag, Toast } from 'antd-mobile';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../../shared/i18n';
import { draftTitle, removeQueued, sendQueued, type QueuedReport } from '../lib/outbox';

interface Props {
  uid: number;
  items: QueuedReport[];
  /** Move an item back into the form. */
  onEdit?: (q: QueuedReport) => void;
}

/** 待发送: reports that have not reached the server yet, with their state and a manual retry. */
export function OutboxList({ uid, items, onEdit }: Props) {
  const { t } = useI18n();
  const navigate = useNavigate();
  if (!items.length) return null;

  const retry = async (q: QueuedReport) => {
    const r = await sendQueued(uid, q.draft.key);
    if (r.kind === 'sent') {
      Toast.show({ icon: 'success', content: t('m.report.done') });
      navigate(`/tickets/${r.ticket.id}`);
    } else if (r.kind === 'queued') Toast.show({ icon: 'fail', content: t('m.report.queued') });
  };

  const remove = async (q: QueuedReport) => {
    if (await Dialog.confirm({ content: t('m.outbox.deleteConfirm') })) removeQueued(uid, q.draft.key);
  };

  const stateTag = (q: QueuedReport) =>
    q.state === 'failed' ? (
      <Tag color="danger">{t('m.outbox.failed')}</Tag>
    ) : q.state === 'sending' ? (
      <Tag color="primary">{t('m.outbox.sending')}</Tag>
    ) : (
      <Tag color="warning">{t('m.outbox.pending')}</Tag>
    );

  return (
    <List mode="card" header={`${t('m.outbox.title', { n: items.length })} · ${t('m.outbox.hint')}`} data-testid="outbox-list">
      {items.map((q) => (
        <List.Item
          key={q.draft.key}
          data-testid="outbox-item"
          data-state={q.state}
          prefix={stateTag(q)}
          description={
            <div>
              {q.lastError && <div className="m-small m-error-text">{q.lastError}</div>}
              <div className="m-row-buttons">
                {q.state !== 'failed' && (
                  <Button size="mini" color="primary" fill="outline" loading={q.state === 'sending'} onClick={() => void retry(q)} data-testid="outbox-retry">
                    {t('m.outbox.retry')}
                  </Button>
                )}
                {onEdit && q.state !== 'sending' && (
                  <Button size="mini" fill="outline" onClick={() => onEdit(q)} data-testid="outbox-edit">
                    {t('m.outbox.edit')}
                  </Button>
                )}
                {q.state !== 'sending' && (
                  <Button size="mini" fill="none" color="danger" onClick={() => void remove(q)} data-testid="outbox-delete">
                    {t('m.outbox.delete')}
                  </Button>
                )}
              </div>
            </div>
          }
        >
          {draftTitle(q.draft)}
        </List.Item>
      ))}
    </List>
  );
}
