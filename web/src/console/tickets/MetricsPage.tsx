/**
 * 统计考核: the six rates and the counts for a region and a range of months, a monthly trend
 * chart, and the ranking by child region, handling unit or category. Everything is in the URL so a
 * view can be shared; with nothing chosen the server answers for the user's own area.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Card, Col, DatePicker, Empty, Row, Segmented, Space, Spin, Statistic, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { METRIC_DIMENSIONS, METRIC_RATE_KEYS, ticketsApi, type MetricDimension, type MetricRates, type MetricsDto, type MetricsRow } from '../../shared/tickets';
import { useUrlFilters } from '../people/urlState';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { useTicketLabels } from './labels';
import { MetricsChart } from './MetricsChart';
import './tickets.css';

const KEYS = ['region', 'from', 'to', 'by'] as const;
/** The counts the ranking shows next to the rates (all of them are on the cards above). */
const RANK_COUNTS = ['received', 'accepted', 'closed', 'closedOnTime', 'overdue', 'unsatisfied'];

/** Every month from..to, those without tickets as empty ones (the chart keeps its time axis). */
function allMonths(d: MetricsDto): MetricsDto['months'] {
  const have = new Map(d.months.map((m) => [m.month, m]));
  const out: MetricsDto['months'] = [];
  let [y, m] = d.from.split('-').map(Number) as [number, number];
  const empty = Object.fromEntries(Object.keys(d.totals.counts).map((k) => [k, 0]));
  const noRates = { responseRate: null, onTimeRate: null, resolutionRate: null, satisfactionRate: null, closedInGridRate: null, closedInCommunityRate: null };
  for (let i = 0; i < 240; i++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    if (key > d.to) break;
    out.push(have.get(key) ?? { month: key, counts: empty, rates: noRates });
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

const pct = (v: number | null | undefined) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

/** Numerator and denominator of each rate (as the server computes it), shown under the rate. */
const RATE_PARTS: Record<keyof MetricRates, [string[], string]> = {
  responseRate: [['responded'], 'accepted'],
  onTimeRate: [['closedOnTime'], 'closed'],
  resolutionRate: [['resolved'], 'closed'],
  satisfactionRate: [['satisfied', 'basic'], 'rated'],
  closedInGridRate: [['closedInGrid'], 'closed'],
  closedInCommunityRate: [['closedInCommunity'], 'closed'],
};

function ratePart(k: keyof MetricRates, counts: Record<string, number>): string | null {
  const [num, den] = RATE_PARTS[k];
  if (counts[den] === undefined || num.some((n) => counts[n] === undefined)) return null;
  return `${num.reduce((a, n) => a + (counts[n] ?? 0), 0)} / ${counts[den]}`;
}

/** The count that sizes the bars: the total if the server has one, else the first. */
function mainCount(counts: Record<string, number> | undefined): string | null {
  if (!counts) return null;
  const keys = Object.keys(counts);
  return ['total', 'received', 'accepted'].find((k) => keys.includes(k)) ?? keys[0] ?? null;
}

export default function MetricsPage() {
  const { t } = useI18n();
  const labels = useTicketLabels();
  const { user } = useAuth();
  const [f, setF] = useUrlFilters(KEYS);
  const by: MetricDimension = (METRIC_DIMENSIONS as readonly string[]).includes(f.by ?? '') ? (f.by as MetricDimension) : 'region';
  const [data, setData] = useState<MetricsDto | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    ticketsApi
      .metrics({ region: f.region, from: f.from, to: f.to, by }, ctl.signal)
      .then((r) => {
        setData(r);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!ctl.signal.aborted) setError(errorMessage(err));
      })
      .finally(() => !ctl.signal.aborted && setLoading(false));
    return () => ctl.abort();
  }, [f.region, f.from, f.to, by]);

  const range: [Dayjs, Dayjs] | null = useMemo(() => {
    const from = f.from ?? data?.from;
    const to = f.to ?? data?.to;
    return from && to ? [dayjs(`${from}-01`), dayjs(`${to}-01`)] : null;
  }, [f.from, f.to, data]);

  const countKeys = useMemo(() => Object.keys(data?.totals.counts ?? {}), [data]);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" title={t('ticket.metrics.title')}>
        <Space wrap size="middle">
          <Space size={4}>
            <span className="toolbar-label">{t('ticket.metrics.region')}</span>
            <RegionTreeSelect
              value={f.region ?? data?.region.code ?? user?.scope?.code ?? null}
              allowClear={false}
              onChange={(c) => setF({ region: c })}
              style={{ width: 240 }}
              data-testid="metrics-region"
            />
          </Space>
          <Space size={4}>
            <span className="toolbar-label">{t('ticket.metrics.months')}</span>
            <DatePicker.RangePicker
              picker="month"
              value={range}
              allowClear={false}
              disabledDate={(d) => d.isAfter(dayjs(), 'month')}
              onChange={(v) => {
                if (v?.[0] && v[1]) setF({ from: v[0].format('YYYY-MM'), to: v[1].format('YYYY-MM') });
              }}
              data-testid="metrics-months"
            />
          </Space>
          <Space size={4}>
            <span className="toolbar-label">{t('ticket.metrics.by')}</span>
            <Segmented<MetricDimension>
              value={by}
              onChange={(v) => setF({ by: v === 'region' ? null : v })}
              options={METRIC_DIMENSIONS.map((d) => ({ value: d, label: t(`ticket.metrics.by.${d}`) }))}
              data-testid="metrics-by"
            />
          </Space>
          {loading && <Spin size="small" />}
        </Space>
      </Card>
      {error && <Alert type="error" showIcon title={error} />}
      {data && (
        <>
          <Typography.Text type="secondary" data-testid="metrics-scope">
            {t('ticket.metrics.scopeTitle', { region: data.region.name, from: data.from, to: data.to })}
          </Typography.Text>
          <Row gutter={[12, 12]} data-testid="metrics-kpis">
            {METRIC_RATE_KEYS.map((k) => (
              <Col key={k} xs={12} md={8} xl={4}>
                <Card size="small" className="ticket-kpi">
                  <Statistic title={labels.rate(k)} value={pct(data.totals.rates[k])} />
                  <div className="ticket-kpi-sub">{ratePart(k, data.totals.counts) ?? '\u00a0'}</div>
                </Card>
              </Col>
            ))}
          </Row>
          {countKeys.length > 0 && (
            <Card size="small" title={t('ticket.metrics.counts')}>
              <Row gutter={[12, 12]} data-testid="metrics-counts">
                {countKeys.map((k) => (
                  <Col key={k} xs={8} md={6} xl={3}>
                    <Statistic title={labels.count(k)} value={data.totals.counts[k] ?? 0} />
                  </Col>
                ))}
              </Row>
            </Card>
          )}
          <Card size="small" title={t('ticket.metrics.trend')}>
            {data.months.length ? <MetricsChart months={allMonths(data)} countKey={mainCount(data.totals.counts)} /> : <Empty description={t('ticket.metrics.empty')} />}
          </Card>
          <Card size="small" title={`${t('ticket.metrics.ranking')} · ${t(`ticket.metrics.by.${data.by}`)}`}>
            <RankingTable rows={data.rows} countKeys={RANK_COUNTS.filter((k) => countKeys.includes(k))} />
          </Card>
        </>
      )}
    </Space>
  );
}

function RankingTable({ rows, countKeys }: { rows: MetricsRow[]; countKeys: string[] }) {
  const { t } = useI18n();
  const labels = useTicketLabels();
  const rateSorter = (k: keyof MetricRates) => (a: MetricsRow, b: MetricsRow) => (a.rates[k] ?? -1) - (b.rates[k] ?? -1);
  const columns: ColumnsType<MetricsRow> = [
    { title: t('ticket.metrics.rank'), dataIndex: 'rank', width: 64, fixed: 'left', sorter: (a, b) => a.rank - b.rank, defaultSortOrder: 'ascend' },
    { title: t('ticket.metrics.name'), dataIndex: 'name', width: 180, fixed: 'left', ellipsis: true },
    {
      title: t('ticket.metrics.rates'),
      children: METRIC_RATE_KEYS.map((k) => ({
        title: labels.rate(k),
        key: k,
        width: 104,
        align: 'right' as const,
        sorter: rateSorter(k),
        render: (_: unknown, r: MetricsRow) => pct(r.rates[k]),
      })),
    },
    {
      title: t('ticket.metrics.counts'),
      children: countKeys.map((k) => ({
        title: labels.count(k),
        key: `c:${k}`,
        width: 88,
        align: 'right' as const,
        sorter: (a: MetricsRow, b: MetricsRow) => (a.counts[k] ?? 0) - (b.counts[k] ?? 0),
        render: (_: unknown, r: MetricsRow) => r.counts[k] ?? 0,
      })),
    },
  ];
  return (
    <Table<MetricsRow>
      rowKey="key"
      size="small"
      bordered
      dataSource={rows}
      columns={columns}
      pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      scroll={{ x: 260 + METRIC_RATE_KEYS.length * 104 + countKeys.length * 88 }}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ticket.metrics.empty')} /> }}
      data-testid="metrics-ranking"
    />
  );
}
