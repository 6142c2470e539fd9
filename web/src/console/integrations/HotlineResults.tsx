/**
 * 办理结果: hotline tickets whose handling changed since a day (the last 7 days by default), as the
 * 12345 platform pulls them from GET /api/hotline/results — status, unit, reply, rating.
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Button, Card, DatePicker, Space, Table, Tooltip, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useI18n } from '../../shared/i18n';
import { hotlineApi, type HotlineResult } from '../../shared/integrations';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { StatusTag } from '../tickets/bits';
import { formatMinute, useTicketLabels } from '../tickets/labels';

const PAGE = 100;

export function HotlineResults() {
  const { t, lang } = useI18n();
  const ticketLabels = useTicketLabels();
  const [since, setSince] = useState<Dayjs>(() => dayjs().subtract(7, 'day').startOf('day'));

  const { items, cursor, loading, error, load } = useCursorList<HotlineResult>(
    async (from, signal) => {
      const page = await hotlineApi.results({ since: from ? undefined : since.toISOString(), cursor: from, limit: PAGE }, signal);
      // nextCursor comes back even when nothing more is there (for polling); page on only with hasMore.
      return { items: page.items, nextCursor: page.hasMore ? page.nextCursor : null };
    },
    [since.valueOf()],
    { clearOnChange: 'all' },
  );

  return (
    <Card
      size="small"
      title={
        <Space>
          <span>{t('integ.results.since')}</span>
          <DatePicker
            value={since}
            allowClear={false}
            onChange={(d) => d && setSince(d.startOf('day'))}
            disabledDate={(d) => d.isAfter(dayjs(), 'day')}
            data-testid="hotline-results-since"
          />
        </Space>
      }
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => void load(null)} loading={loading} data-testid="hotline-results-refresh">
          {t('common.refresh')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('integ.results.hint')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<HotlineResult>
        size="small"
        rowKey={(r) => `${r.ticketId}-${r.version}`}
        loading={loading && !items.length}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1440 }}
        locale={{ emptyText: t('integ.results.empty') }}
        data-testid="hotline-results"
        columns={[
          { title: t('integ.results.hotlineNo'), dataIndex: 'hotlineNo', width: 170, render: (v: string) => <span className="mono">{v}</span> },
          {
            title: t('integ.results.ticketNo'),
            dataIndex: 'ticketNo',
            width: 180,
            render: (v: string, r) => (
              <Link to={`/tickets/${r.ticketId}`} className="mono">
                {v}
              </Link>
            ),
          },
          { title: t('integ.results.status'), dataIndex: 'status', width: 130, render: (v: string) => <StatusTag status={v} /> },
          { title: t('integ.results.unit'), dataIndex: 'unit', width: 160, ellipsis: true, render: (v: string | null) => v ?? '—' },
          {
            title: t('integ.results.reply'),
            dataIndex: 'reply',
            width: 260,
            ellipsis: { showTitle: false },
            render: (v: string | null) =>
              v ? (
                <Tooltip title={v} placement="topLeft">
                  <span>{v}</span>
                </Tooltip>
              ) : (
                '—'
              ),
          },
          {
            title: t('integ.results.rating'),
            dataIndex: 'rating',
            width: 110,
            render: (v: string | null, r) =>
              v ? (
                <Tooltip title={r.ratingNote ?? undefined}>
                  <span>{ticketLabels.rating(v)}</span>
                </Tooltip>
              ) : (
                '—'
              ),
          },
          { title: t('integ.results.dueAt'), dataIndex: 'resolveDueAt', width: 140, render: (v: string | null) => (v ? formatMinute(v, lang) : '—') },
          { title: t('integ.results.closedAt'), dataIndex: 'closedAt', width: 140, render: (v: string | null) => (v ? formatMinute(v, lang) : '—') },
          { title: t('integ.results.changedAt'), dataIndex: 'changedAt', width: 140, render: (v: string) => formatMinute(v, lang) },
        ]}
        footer={() => <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} testId="hotline-results-more" />}
      />
    </Card>
  );
}
