import { Button } from 'antd';
import { useT } from '../../shared/i18n';

/** Table footer of a cursor-paged list: how many rows are shown, and "load more" or "no more". */
export function LoadMoreFooter({
  shown,
  cursor,
  loading,
  onMore,
  testId,
}: {
  shown: number;
  cursor: string | null | undefined;
  loading: boolean;
  onMore: () => void;
  /** data-testid of the "load more" button */
  testId?: string;
}) {
  const t = useT();
  return (
    <div className="table-footer">
      <span>{t('common.shown', { n: shown })}</span>
      {cursor ? (
        <Button size="small" onClick={onMore} loading={loading} data-testid={testId}>
          {t('common.loadMore')}
        </Button>
      ) : (
        <span className="muted-level">{t('common.noMore')}</span>
      )}
    </div>
  );
}
