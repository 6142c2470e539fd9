/** One import batch: progress while it runs, then its counts, error rows and report. */
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, Card, Descriptions, Space, Tag } from 'antd';
import { useI18n } from '../../shared/i18n';
import { formatTime } from '../labels';
import { BatchCounts, BatchProgress, ErrorReportLink, ImportErrorTable, useBatchPoll } from './BatchViews';
import { useImportLabels } from './labels';

export default function ImportDetailPage() {
  const { t, lang } = useI18n();
  const labels = useImportLabels();
  const { id: idParam } = useParams();
  const id = Number(idParam);
  const { batch, error } = useBatchPoll(Number.isInteger(id) && id > 0 ? id : null);

  if (!Number.isInteger(id) || id <= 0) return <Alert type="error" showIcon title={t('import.notFound')} />;

  return (
    <Card
      size="small"
      title={t('import.detailTitle', { id })}
      loading={!batch && !error}
      extra={
        <Space>
          <Link to="/imports">{t('import.history')}</Link>
          <Link to="/imports/new">
            <Button type="primary" size="small">
              {t('import.new')}
            </Button>
          </Link>
        </Space>
      }
    >
      {error && !batch && <Alert type="error" showIcon title={error} />}
      {batch && (
        <>
          <Descriptions
            size="small"
            column={{ xs: 1, md: 3 }}
            style={{ marginBottom: 12 }}
            items={[
              { key: 'source', label: t('import.sourceLabel'), children: batch.source },
              { key: 'kind', label: t('import.kindLabel'), children: labels.kind(batch.kind) },
              {
                key: 'file',
                label: t('import.file'),
                children: (
                  <Space size={4}>
                    {batch.fileName}
                    {batch.dryRun && <Tag color="gold">{t('import.dryRunTag')}</Tag>}
                  </Space>
                ),
              },
              { key: 'time', label: t('import.col.time'), children: formatTime(batch.createdAt, lang) },
              { key: 'finished', label: t('import.finishedAt'), children: formatTime(batch.finishedAt, lang) || t('common.none') },
            ]}
          />
          <BatchProgress batch={batch} error={error} />
          <BatchCounts batch={batch} />
          <Space wrap style={{ margin: '16px 0' }}>
            <ErrorReportLink batchId={batch.id} disabled={batch.errorRows === 0} />
            {batch.conflicts > 0 && !batch.dryRun && (
              <Link to={`/conflicts?batchId=${batch.id}`}>
                <Button>{t('import.toConflicts', { n: batch.conflicts })}</Button>
              </Link>
            )}
          </Space>
          {batch.errorRows > 0 && <ImportErrorTable batchId={batch.id} kind={batch.kind} mapping={batch.columns} />}
        </>
      )}
    </Card>
  );
}
