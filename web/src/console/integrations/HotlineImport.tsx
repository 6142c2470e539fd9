/**
 * 12345 工单导入: pick a .json/.csv/.xlsx feed, dry-run it (on by default), read the rows that would
 * be created, are duplicates or have errors (row, field, reason), then import for real in one click.
 */
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Col, Row, Segmented, Space, Statistic, Switch, Table, Tag, Tooltip, Typography, Upload } from 'antd';
import { CloudUploadOutlined, DownloadOutlined, ExperimentOutlined, InboxOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import {
  HOTLINE_FILE_ACCEPT,
  HOTLINE_MAX_BYTES,
  ROW_RESULT_COLOR,
  hotlineApi,
  hotlineCsvTemplate,
  type HotlineImportReport,
  type HotlineRowReport,
  type HotlineRowResult,
} from '../../shared/integrations';
import { useIntegrationLabels } from './labels';

type RowFilter = HotlineRowResult | 'all';

function downloadTemplate() {
  const url = URL.createObjectURL(hotlineCsvTemplate());
  const a = document.createElement('a');
  a.href = url;
  a.download = '12345-template.csv';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function ReportView({ report }: { report: HotlineImportReport }) {
  const { t } = useI18n();
  const labels = useIntegrationLabels();
  const [filter, setFilter] = useState<RowFilter>(report.errors ? 'error' : 'all');
  const rows = useMemo(() => (filter === 'all' ? report.rows : report.rows.filter((r) => r.result === filter)), [report, filter]);
  const count = (r: HotlineRowResult) => report.rows.filter((x) => x.result === r).length;

  return (
    <>
      <Row gutter={16} style={{ marginBottom: 12 }}>
        <Col xs={12} md={6}>
          <Statistic title={t('integ.hotline.total')} value={report.total} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={report.dryRun ? t('integ.hotline.willCreate') : t('integ.hotline.created')} value={report.created} styles={{ content: { color: '#389e0d' } }} data-testid="hotline-created" />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('integ.hotline.duplicates')} value={report.duplicates} data-testid="hotline-duplicates" />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('integ.hotline.errors')} value={report.errors} styles={{ content: report.errors ? { color: '#cf1322' } : undefined }} data-testid="hotline-errors" />
        </Col>
      </Row>
      <Segmented<RowFilter>
        value={filter}
        onChange={setFilter}
        style={{ marginBottom: 8 }}
        options={[
          { value: 'error', label: t('integ.hotline.rowsErrors', { n: count('error') }) },
          { value: 'created', label: t('integ.hotline.rowsCreated', { n: count('created') }) },
          { value: 'duplicate', label: t('integ.hotline.rowsDuplicates', { n: count('duplicate') }) },
          { value: 'all', label: t('integ.hotline.rowsAll', { n: report.rows.length }) },
        ]}
        data-testid="hotline-row-filter"
      />
      <Table<HotlineRowReport>
        size="small"
        rowKey={(r) => `${r.row}-${r.ticketNo ?? ''}`}
        dataSource={rows}
        pagination={rows.length > 100 ? { pageSize: 100, showSizeChanger: false } : false}
        scroll={{ x: 800 }}
        data-testid="hotline-rows"
        columns={[
          { title: t('integ.hotline.row'), dataIndex: 'row', width: 70, align: 'right' },
          { title: t('integ.hotline.ticketNo'), dataIndex: 'ticketNo', width: 180, render: (v: string | null) => <span className="mono">{v ?? '—'}</span> },
          {
            title: t('integ.hotline.result'),
            dataIndex: 'result',
            width: 80,
            render: (v: HotlineRowResult) => <Tag color={ROW_RESULT_COLOR[v]}>{labels.rowResult(v)}</Tag>,
          },
          {
            title: t('integ.hotline.gwTicket'),
            key: 'ticket',
            width: 190,
            render: (_: unknown, r) => (r.ticketId && r.no ? <Link to={`/tickets/${r.ticketId}`} className="mono">{r.no}</Link> : '—'),
          },
          {
            title: `${t('integ.hotline.field')} · ${t('integ.hotline.reason')}`,
            key: 'errors',
            render: (_: unknown, r) =>
              r.errors.length ? (
                <div className="integ-row-errors">
                  {r.errors.map((e, i) => (
                    <div key={i}>
                      <Tooltip title={`${e.field} / ${e.rule}`}>
                        <Tag color="red">{labels.field(e.field)}</Tag>
                      </Tooltip>
                      <span>{e.reason}</span>
                    </div>
                  ))}
                </div>
              ) : null,
          },
        ]}
      />
    </>
  );
}

export function HotlineImport() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<HotlineImportReport | null>(null);

  const run = async (dry: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      setReport(await hotlineApi.importFile(file, dry));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const pick = (f: File) => {
    const ext = f.name.toLowerCase().slice(f.name.lastIndexOf('.'));
    if (!HOTLINE_FILE_ACCEPT.split(',').includes(ext)) {
      message.error(t('integ.hotline.badType'));
      return Upload.LIST_IGNORE;
    }
    if (f.size > HOTLINE_MAX_BYTES) {
      message.error(t('integ.hotline.tooLarge'));
      return Upload.LIST_IGNORE;
    }
    setFile(f);
    setReport(null);
    setError(null);
    return false;
  };

  const reset = () => {
    setFile(null);
    setReport(null);
    setError(null);
  };

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small">
        <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
          {t('integ.hotline.importHint')}
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary">
          {t('integ.hotline.fields')}{' '}
          <Button type="link" size="small" icon={<DownloadOutlined />} onClick={downloadTemplate} style={{ paddingInline: 0 }} data-testid="hotline-template">
            {t('integ.hotline.template')}
          </Button>
        </Typography.Paragraph>
        <Upload.Dragger
          accept={HOTLINE_FILE_ACCEPT}
          multiple={false}
          maxCount={1}
          beforeUpload={pick}
          fileList={file ? [{ uid: 'hotline-file', name: file.name, size: file.size, status: 'done' }] : []}
          onRemove={() => {
            reset();
            return true;
          }}
          disabled={busy}
          data-testid="hotline-upload"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('integ.hotline.drop')}</p>
          <p className="ant-upload-hint">{t('integ.hotline.dropHint')}</p>
        </Upload.Dragger>
        <Space style={{ marginTop: 12 }} wrap>
          <Switch checked={dryRun} onChange={setDryRun} data-testid="hotline-dryrun" />
          <span>
            {t('integ.hotline.dryRun')} <Typography.Text type="secondary">（{t('integ.hotline.dryRunHint')}）</Typography.Text>
          </span>
          <Button
            type="primary"
            icon={dryRun ? <ExperimentOutlined /> : <CloudUploadOutlined />}
            disabled={!file}
            loading={busy}
            onClick={() => void run(dryRun)}
            data-testid="hotline-start"
          >
            {dryRun ? t('integ.hotline.startDry') : t('integ.hotline.startReal')}
          </Button>
        </Space>
      </Card>
      {error && <Alert type="error" showIcon title={error} data-testid="hotline-error" />}
      {report && (
        <Card
          size="small"
          title={report.dryRun ? t('integ.hotline.dryResult') : t('integ.hotline.realResult')}
          extra={file && <Typography.Text type="secondary">{t('integ.hotline.file', { name: file.name })}</Typography.Text>}
          data-testid="hotline-report"
        >
          {report.dryRun ? (
            <Alert
              style={{ marginBottom: 12 }}
              showIcon
              type={report.created === 0 ? 'info' : report.errors ? 'warning' : 'success'}
              title={report.created === 0 ? t('integ.hotline.nothingNew') : report.errors ? t('integ.hotline.dryErrors', { n: report.errors }) : t('integ.hotline.dryOk', { n: report.created })}
              action={
                report.created > 0 && (
                  <Button type="primary" icon={<CloudUploadOutlined />} loading={busy} onClick={() => void run(false)} data-testid="hotline-run-real">
                    {t('integ.hotline.runReal')}
                  </Button>
                )
              }
            />
          ) : (
            <Alert
              style={{ marginBottom: 12 }}
              showIcon
              type={report.errors ? 'warning' : 'success'}
              title={t('integ.hotline.realDone', { created: report.created, duplicates: report.duplicates, errors: report.errors })}
              action={
                <Button onClick={reset} data-testid="hotline-again">
                  {t('integ.hotline.again')}
                </Button>
              }
              data-testid="hotline-done"
            />
          )}
          <ReportView key={`${report.dryRun}-${report.total}-${report.created}`} report={report} />
        </Card>
      )}
    </Space>
  );
}
