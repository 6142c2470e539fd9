/** Pieces shared by the import wizard and the import detail page: polling, progress, counts, errors. */
import { useEffect, useState } from 'react';
import { Alert, Button, Col, Progress, Row, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useT } from '../../shared/i18n';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { importsApi, type ColumnMapping, type ImportBatch, type ImportError } from './api';
import { STATUS_COLOR, useImportLabels } from './labels';

const TERMINAL = new Set(['done', 'failed']);
export const isTerminal = (b: ImportBatch | null | undefined) => !!b && TERMINAL.has(b.status);

/** Poll GET /api/imports/:id until the batch is done or failed. */
export function useBatchPoll(id: number | null, intervalMs = 700) {
  const [batch, setBatch] = useState<ImportBatch | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setBatch(null);
    setError(null);
    if (!id) return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ctrl = new AbortController();
    let failures = 0;
    const tick = async () => {
      try {
        const b = await importsApi.get(id, ctrl.signal);
        if (!alive) return;
        failures = 0;
        setBatch(b);
        setError(null);
        if (!isTerminal(b)) timer = setTimeout(() => void tick(), intervalMs);
      } catch (err) {
        if (!alive || (err instanceof DOMException && err.name === 'AbortError')) return;
        failures++;
        setError(errorMessage(err));
        // A hiccup should not stop the progress bar; give up after a few in a row.
        if (failures < 5) timer = setTimeout(() => void tick(), intervalMs * 2);
      }
    };
    void tick();
    return () => {
      alive = false;
      ctrl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [id, intervalMs]);
  return { batch, error };
}

/** Share of the file read (the server reports it while the batch runs in this process). */
export function batchPercent(b: ImportBatch | null): number {
  if (!b) return 0;
  if (b.status === 'done') return 100;
  if (b.status === 'queued') return 0;
  if (b.progress != null) return Math.min(99, Math.round(b.progress * 100));
  return b.status === 'running' ? 5 : 0;
}

/** Status tag + progress bar. `data-status` carries the raw status for tests. */
export function BatchProgress({ batch, error }: { batch: ImportBatch | null; error?: string | null }) {
  const t = useT();
  const labels = useImportLabels();
  const status = batch?.status ?? 'queued';
  return (
    <div className="import-progress">
      <Space wrap style={{ marginBottom: 8 }}>
        <span>{t('import.statusLabel')}</span>
        <Tag color={STATUS_COLOR[status]} data-testid="import-status" data-status={status}>
          {labels.status(status)}
        </Tag>
        {batch?.dryRun && <Tag color="gold">{t('import.dryRunTag')}</Tag>}
        {batch && batch.totalRows > 0 && <Typography.Text type="secondary">{t('import.rowsProgress', { n: batch.totalRows })}</Typography.Text>}
      </Space>
      <Progress
        percent={batchPercent(batch)}
        status={status === 'failed' ? 'exception' : status === 'done' ? 'success' : 'active'}
        data-testid="import-progress"
      />
      {batch?.status === 'failed' && (
        <Alert type="error" showIcon title={t('import.failed')} description={batch.message ?? undefined} style={{ marginTop: 8 }} />
      )}
      {error && <Alert type="warning" showIcon title={error} style={{ marginTop: 8 }} />}
    </div>
  );
}

/** The counts of a batch; for a dry run they read as "would be". */
export function BatchCounts({ batch }: { batch: ImportBatch }) {
  const t = useT();
  const would = batch.dryRun;
  const items: { key: string; label: string; value: number; color?: string }[] = [
    { key: 'total', label: t('import.count.total'), value: batch.totalRows },
    { key: 'ok', label: t('import.count.ok'), value: batch.okRows, color: '#389e0d' },
    { key: 'error', label: t('import.count.error'), value: batch.errorRows, color: batch.errorRows ? '#cf1322' : undefined },
    { key: 'created', label: would ? t('import.count.wouldCreate') : t('import.count.created'), value: batch.created },
    { key: 'updated', label: would ? t('import.count.wouldUpdate') : t('import.count.updated'), value: batch.updated },
    { key: 'unchanged', label: t('import.count.unchanged'), value: batch.unchanged },
    { key: 'conflicts', label: would ? t('import.count.wouldConflict') : t('import.count.conflicts'), value: batch.conflicts, color: batch.conflicts ? '#d46b08' : undefined },
  ];
  return (
    <Row gutter={[16, 16]} className="import-counts">
      {items.map((i) => (
        <Col key={i.key} xs={12} sm={8} md={6} xl={3}>
          <Statistic title={i.label} value={i.value} styles={{ content: i.color ? { color: i.color } : undefined }} data-testid={`import-count-${i.key}`} />
        </Col>
      ))}
    </Row>
  );
}

/** Link to GET /api/imports/:id/errors.csv (行号/列/规则/说明/值). */
export function ErrorReportLink({ batchId, disabled }: { batchId: number; disabled?: boolean }) {
  const t = useT();
  return (
    <Button icon={<DownloadOutlined />} href={importsApi.errorsCsvUrl(batchId)} disabled={disabled} data-testid="import-error-report-link" download>
      {t('import.errorReport')}
    </Button>
  );
}

/** The rows that failed validation, a page at a time; the column shows the file's header. */
export function ImportErrorTable({ batchId, kind, mapping, pageSize = 50 }: { batchId: number; kind: string; mapping?: ColumnMapping | null; pageSize?: number }) {
  const t = useT();
  const labels = useImportLabels();

  const { items, cursor, loading, error, load } = useCursorList<ImportError>(
    (from) => importsApi.errors(batchId, { cursor: from, limit: pageSize }),
    [batchId, pageSize],
    { clearOnChange: 'items' },
  );

  // The server names the file's column; the mapping tells which field it filled.
  const targetOf = (e: ImportError) => (mapping ? (Object.entries(mapping).find(([, h]) => h === e.field)?.[0] ?? null) : null);

  return (
    <>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      <Table<ImportError>
        size="small"
        rowKey={(e) => String(e.id ?? `${e.rowNo}-${e.field}-${e.rule}`)}
        loading={loading}
        dataSource={items}
        pagination={false}
        data-testid="import-error-table"
        locale={{ emptyText: t('import.noErrors') }}
        scroll={{ x: 760 }}
        columns={[
          { title: t('import.err.row'), dataIndex: 'rowNo', width: 70, render: (v: number) => <span data-testid="import-error-row">{v}</span> },
          {
            title: t('import.err.column'),
            key: 'column',
            width: 180,
            render: (_: unknown, e) => {
              const target = targetOf(e);
              const label = target ? labels.field(kind, target) : null;
              return (
                <span data-testid="import-error-column">
                  {e.field}
                  {label && label !== e.field && <span className="muted-level">{label}</span>}
                </span>
              );
            },
          },
          {
            title: t('import.err.rule'),
            dataIndex: 'rule',
            width: 170,
            render: (r: string, e) => (
              <Tooltip title={r}>
                <Tag color={e.severity === 'warning' ? 'orange' : 'red'} data-testid="import-error-rule" data-rule={r}>
                  {labels.rule(r)}
                </Tag>
              </Tooltip>
            ),
          },
          { title: t('import.err.message'), dataIndex: 'message', render: (m: string) => <span data-testid="import-error-message">{m}</span> },
          { title: t('import.err.value'), dataIndex: 'value', width: 190, render: (v: string | null) => <span className="mono">{v ?? ''}</span> },
        ]}
        footer={
          cursor || items.length >= pageSize
            ? () => (
                <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
              )
            : undefined
        }
      />
    </>
  );
}
