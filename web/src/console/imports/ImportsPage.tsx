/** 导入记录: past imports with their counts; a row opens the batch with its error report. */
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Select, Space, Table, Tag, Tooltip } from 'antd';
import { DownloadOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { formatTime } from '../labels';
import { IMPORT_KINDS, importsApi, type ImportBatch, type ImportKind } from './api';
import { STATUS_COLOR, useImportLabels } from './labels';

export default function ImportsPage() {
  const { t, lang } = useI18n();
  const labels = useImportLabels();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [kind, setKind] = useState<ImportKind | undefined>();

  const { items, cursor, loading, error, load } = useCursorList<ImportBatch>((from) => importsApi.list({ kind, cursor: from, limit: 50 }), [kind]);

  // Refresh while something is still running.
  useEffect(() => {
    if (!items.some((b) => b.status === 'queued' || b.status === 'running')) return;
    const timer = setTimeout(() => void load(null), 3000);
    return () => clearTimeout(timer);
  }, [items, load]);

  return (
    <Card
      title={t('import.listTitle')}
      size="small"
      extra={
        can('import.run') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/imports/new')} data-testid="import-new">
            {t('import.new')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Select<ImportKind>
          allowClear
          placeholder={t('import.kindFilter')}
          style={{ width: 160 }}
          value={kind}
          onChange={setKind}
          options={IMPORT_KINDS.map((k) => ({ value: k, label: labels.kind(k) }))}
        />
        <Button icon={<ReloadOutlined />} onClick={() => void load(null)}>
          {t('common.refresh')}
        </Button>
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<ImportBatch>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1320 }}
        data-testid="import-table"
        onRow={(b) => ({ onDoubleClick: () => navigate(`/imports/${b.id}`) })}
        columns={[
          { title: t('import.col.id'), dataIndex: 'id', width: 70, render: (id: number) => <Link to={`/imports/${id}`}>#{id}</Link> },
          { title: t('import.col.time'), dataIndex: 'createdAt', width: 170, render: (v: string) => formatTime(v, lang) },
          { title: t('import.sourceLabel'), dataIndex: 'source', width: 150, ellipsis: true },
          { title: t('import.kindLabel'), dataIndex: 'kind', width: 80, render: (k: string) => labels.kind(k) },
          {
            title: t('import.file'),
            dataIndex: 'fileName',
            width: 240,
            ellipsis: true,
            render: (f: string, b) => (
              <Space size={4}>
                <Link to={`/imports/${b.id}`}>{f}</Link>
                {b.dryRun && <Tag color="gold">{t('import.dryRunTag')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('import.statusLabel'),
            dataIndex: 'status',
            width: 90,
            render: (s: string, b) => (
              <Tooltip title={b.message ?? undefined}>
                <Tag color={STATUS_COLOR[s]}>{labels.status(s)}</Tag>
              </Tooltip>
            ),
          },
          { title: t('import.count.total'), dataIndex: 'totalRows', width: 70, align: 'right' },
          { title: t('import.count.ok'), dataIndex: 'okRows', width: 70, align: 'right' },
          {
            title: t('import.count.error'),
            dataIndex: 'errorRows',
            width: 70,
            align: 'right',
            render: (n: number) => (n ? <span className="text-error">{n}</span> : n),
          },
          {
            title: t('import.col.changes'),
            key: 'changes',
            width: 210,
            render: (_: unknown, b) => t('import.changesShort', { created: b.created, updated: b.updated, unchanged: b.unchanged }),
          },
          {
            title: t('import.count.conflicts'),
            dataIndex: 'conflicts',
            width: 70,
            align: 'right',
            // A dry run queues no conflicts: its count is what a real import would raise.
            render: (n: number, b) => (n && !b.dryRun ? <Link to={`/conflicts?batchId=${b.id}`}>{n}</Link> : n),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 110,
            fixed: 'right',
            render: (_: unknown, b) =>
              b.errorRows > 0 ? (
                <Button size="small" type="link" icon={<DownloadOutlined />} href={importsApi.errorsCsvUrl(b.id)}>
                  {t('import.errorReportShort')}
                </Button>
              ) : null,
          },
        ]}
        footer={() => (
          <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
        )}
      />
    </Card>
  );
}
