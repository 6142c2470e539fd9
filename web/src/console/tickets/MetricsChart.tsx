import { useEffect, useRef, useState } from 'react';
import { Alert, Spin } from 'antd';
import { useI18n } from '../../shared/i18n';
import { METRIC_RATE_KEYS, type MetricsDto } from '../../shared/tickets';
import type { ECharts } from './echarts';
import { useTicketLabels } from './labels';

const RATE_COLORS = ['#c8161d', '#1677ff', '#13a8a8', '#d48806', '#722ed1', '#389e0d'];

/** Months: the ticket count as bars (left axis), the six rates as lines in % (right axis). */
export function MetricsChart({ months, countKey, height = 320 }: { months: MetricsDto['months']; countKey: string | null; height?: number }) {
  const { t } = useI18n();
  const labels = useTicketLabels();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const [ready, setReady] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    let ro: ResizeObserver | null = null;
    import('./echarts')
      .then(({ echarts }) => {
        if (!alive || !el.current) return;
        chart.current = echarts.init(el.current, undefined, { renderer: 'canvas' });
        ro = new ResizeObserver(() => chart.current?.resize());
        ro.observe(el.current);
        setReady(true);
      })
      .catch((err: unknown) => alive && setLoadError(err instanceof Error ? err.message : String(err)));
    return () => {
      alive = false;
      ro?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c || !ready) return;
    const countName = countKey ? labels.count(countKey) : t('ticket.metrics.chartCounts');
    c.setOption(
      {
        animationDuration: 300,
        tooltip: {
          trigger: 'axis',
          valueFormatter: (v: unknown) => (v == null || v === '-' ? '—' : String(v)),
        },
        legend: { top: 0, type: 'scroll' },
        grid: { left: 48, right: 56, top: 40, bottom: 32 },
        xAxis: { type: 'category', data: months.map((m) => m.month) },
        yAxis: [
          { type: 'value', name: countName, minInterval: 1 },
          { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
        ],
        series: [
          ...(countKey
            ? [{ name: countName, type: 'bar', yAxisIndex: 0, itemStyle: { color: '#d9d9d9' }, barMaxWidth: 32, data: months.map((m) => m.counts[countKey] ?? 0) }]
            : []),
          ...METRIC_RATE_KEYS.map((k, i) => ({
            name: labels.rate(k),
            type: 'line',
            yAxisIndex: 1,
            connectNulls: false,
            symbolSize: 6,
            itemStyle: { color: RATE_COLORS[i] },
            data: months.map((m) => (m.rates[k] == null ? '-' : Math.round(m.rates[k]! * 1000) / 10)),
            tooltip: { valueFormatter: (v: unknown) => (v == null || v === '-' ? '—' : `${String(v)}%`) },
          })),
        ],
      },
      { notMerge: true },
    );
  }, [months, countKey, ready, labels, t]);

  return (
    <div style={{ position: 'relative' }}>
      {loadError && <Alert type="error" showIcon title={loadError} />}
      {!ready && !loadError && (
        <div style={{ position: 'absolute', inset: 0, display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
          <Spin />
        </div>
      )}
      <div ref={el} style={{ width: '100%', height }} data-testid="ticket-metrics-chart" data-ready={ready ? 'true' : 'false'} />
    </div>
  );
}
