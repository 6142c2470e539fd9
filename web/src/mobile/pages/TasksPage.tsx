import { useSearchParams } from 'react-router-dom';
import { Button, CapsuleTabs, ErrorBlock, InfiniteScroll, List, NavBar, PullToRefresh } from 'antd-mobile';
import { useI18n } from '../../shared/i18n';
import type { InboxCounts, TicketListQuery } from '../../shared/tickets';
import { NoticeList } from '../components/NoticeList';
import { PageLoading } from '../components/PageLoading';
import { TicketListItem } from '../components/TicketListItem';
import { useInbox } from '../lib/useInbox';
import { usePagedTickets } from '../lib/usePaged';

type CountKey = Exclude<keyof InboxCounts, 'unread'>;
const COUNTS: CountKey[] = ['toAccept', 'newTasks', 'inProgress', 'toVerify', 'dueSoon', 'overdue'];
type Filter = 'all' | CountKey;

/**
 * Each badge opens the list filtered the way the server counts it: 待受理 and 待核查 over the whole
 * area (view=all), the others over what the user's unit holds (view=tasks).
 */
const FILTER_QUERY: Record<Filter, TicketListQuery> = {
  all: { view: 'tasks' },
  toAccept: { view: 'all', status: 'reported' },
  toDispatch: { view: 'all', status: 'accepted' },
  newTasks: { view: 'tasks', status: 'dispatched' },
  inProgress: { view: 'tasks', status: 'in_progress' },
  toVerify: { view: 'all', status: 'handled' },
  dueSoon: { view: 'tasks', due: 'due_soon' },
  overdue: { view: 'tasks', due: 'overdue' },
};

const isFilter = (v: string | null): v is Filter => !!v && v in FILTER_QUERY;

/** 我的任务: the counts of what waits, unread notices, and the task list. */
export default function TasksPage() {
  const { t, tx } = useI18n();
  const [params, setParams] = useSearchParams();
  const f = params.get('f');
  const filter: Filter = isFilter(f) ? f : 'all';
  const { inbox, reload: loadInbox, markRead } = useInbox();
  const { items, hasMore, error, reload, loadMore } = usePagedTickets(FILTER_QUERY[filter]);

  const setFilter = (next: Filter) => setParams(next === 'all' ? {} : { f: next }, { replace: true });

  const refresh = async () => {
    await Promise.all([loadInbox(), reload()]);
  };

  const label = (k: CountKey) => tx(`ticket.inbox.${k}`, k);

  return (
    <div className="m-page" data-testid="tasks-page">
      <NavBar back={null}>{t('m.tab.tasks')}</NavBar>
      <PullToRefresh onRefresh={refresh} pullingText={t('m.pull.pulling')} canReleaseText={t('m.pull.canRelease')} refreshingText={t('m.pull.refreshing')} completeText={t('m.pull.complete')}>
        <div className="m-counts" data-testid="inbox-counts">
          {COUNTS.map((k) => {
            const n = inbox?.counts[k] ?? 0;
            const alarm = (k === 'overdue' || k === 'dueSoon') && n > 0;
            return (
              <button
                type="button"
                key={k}
                className={`m-count${filter === k ? ' m-count-on' : ''}${alarm ? ` m-count-${k}` : ''}`}
                onClick={() => setFilter(filter === k ? 'all' : k)}
                data-testid={`count-${k}`}
                data-count={inbox ? n : ''}
              >
                <span className="m-count-n">{inbox ? n : '–'}</span>
                <span className="m-count-label">{label(k)}</span>
              </button>
            );
          })}
        </div>

        <NoticeList notices={inbox?.notices ?? []} markRead={markRead} />

        <CapsuleTabs activeKey={filter} onChange={(k) => setFilter(isFilter(k) ? k : 'all')} className="m-filter-tabs">
          <CapsuleTabs.Tab key="all" title={<span data-testid="task-filter-all">{t('m.tasks.all')}</span>} />
          {COUNTS.map((k) => (
            <CapsuleTabs.Tab key={k} title={<span data-testid={`task-filter-${k}`}>{label(k)}</span>} />
          ))}
        </CapsuleTabs>

        {items === null && !error && <PageLoading />}
        {error && !items?.length && (
          <ErrorBlock status="default" title={t('m.loadFailed')} description={error}>
            <Button color="primary" onClick={() => void reload()}>
              {t('common.retry')}
            </Button>
          </ErrorBlock>
        )}
        {items && items.length === 0 && <ErrorBlock status="empty" title={t('m.tasks.empty')} description="" data-testid="tasks-empty" />}
        {items && items.length > 0 && (
          <List mode="card" data-testid="task-list">
            {items.map((x) => (
              <TicketListItem key={x.id} ticket={x} showDue testId="task-item" />
            ))}
          </List>
        )}
        {items && items.length > 0 && <InfiniteScroll loadMore={loadMore} hasMore={hasMore} />}
      </PullToRefresh>
    </div>
  );
}
