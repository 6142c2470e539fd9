import { Button, Dialog, ErrorBlock, InfiniteScroll, List, NavBar, PullToRefresh } from 'antd-mobile';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '../../shared/auth';
import { useT } from '../../shared/i18n';
import { NoticeList } from '../components/NoticeList';
import { OutboxList } from '../components/OutboxList';
import { PageLoading } from '../components/PageLoading';
import { TicketListItem } from '../components/TicketListItem';
import { draftHasContent, loadDraft, takeForEditing, useOutbox, type QueuedReport } from '../lib/outbox';
import { useInbox } from '../lib/useInbox';
import { usePagedTickets } from '../lib/usePaged';

/** 我的反映: what the resident reported, newest first, with anything still waiting to be sent on top. */
export default function MyReportsPage() {
  const t = useT();
  const { user } = useAuth();
  const uid = user!.id;
  const navigate = useNavigate();
  const outbox = useOutbox(uid);
  const { items, hasMore, error, reload, loadMore } = usePagedTickets({ view: 'reported' });
  const { inbox, reload: reloadInbox, markRead } = useInbox();
  const refresh = async () => {
    await Promise.all([reload(), reloadInbox()]);
  };

  const edit = async (q: QueuedReport) => {
    if (draftHasContent(loadDraft(uid)) && !(await Dialog.confirm({ content: t('m.report.clearConfirm') }))) return;
    if (takeForEditing(uid, q.draft.key)) navigate('/report');
  };

  return (
    <div className="m-page" data-testid="mine-page">
      <NavBar back={null}>{t('m.tab.mine')}</NavBar>
      <PullToRefresh onRefresh={refresh} pullingText={t('m.pull.pulling')} canReleaseText={t('m.pull.canRelease')} refreshingText={t('m.pull.refreshing')} completeText={t('m.pull.complete')}>
        <NoticeList notices={inbox?.notices ?? []} markRead={markRead} hideWhenRead />
        <OutboxList uid={uid} items={outbox} onEdit={(q) => void edit(q)} />
        {items === null && !error && <PageLoading />}
        {error && !items?.length && (
          <ErrorBlock status="default" title={t('m.loadFailed')} description={error}>
            <Button color="primary" onClick={() => void reload()}>
              {t('common.retry')}
            </Button>
          </ErrorBlock>
        )}
        {items && items.length === 0 && !outbox.length && (
          <ErrorBlock status="empty" title={t('m.mine.empty')} description="">
            <Button color="primary" onClick={() => navigate('/report')} data-testid="mine-report">
              {t('m.mine.report')}
            </Button>
          </ErrorBlock>
        )}
        {items && items.length > 0 && (
          <List mode="card" data-testid="mine-list">
            {items.map((x) => (
              <TicketListItem key={x.id} ticket={x} />
            ))}
          </List>
        )}
        {items && items.length > 0 && <InfiniteScroll loadMore={loadMore} hasMore={hasMore} />}
      </PullToRefresh>
    </div>
  );
}
