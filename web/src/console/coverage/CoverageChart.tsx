import { useEffect, useRef, useState } from 'react';
import { Alert, Spin } from 'antd';
import { useT } from '../../shared/i18n';
import type { CoverageCell } from '../orgs/api';
import type { ECharts } from './echarts';

export interface ChartRow {
  key: string;
  name: string;
  cell: CoverageCell;
}

interface Props {
  rows: ChartRow[];
  onBarClick: (key: string, covered: 'org' | 'work') => void;
  height?: number;
  'data-testid'?: string;
}

const ORG_COLOR = '#c8161d';
const WORK_COLOR = '#faad14';

/** Organisation- and work-coverage rates as grouped bars; a click opens the list behind the bar. */
export function CoverageChart({ rows, onBarClick, height = 300, ...rest }: Props) {
  const t = useT();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const clickRef = useRef(onBarClick);
  clickRef.current = onBarClick;
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const [ready, setReady] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  // Load ECharts on first use and create the chart.
  useEffect(() => {
    let alive = true;
    let ro: ResizeObserver | null = null;
    import('./echarts')
      .then(({ echarts }) => {
        if (!alive || !el.current) return;
        const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
        chart.current = c;
        c.on('click', (p) => {
          const row = rowsRef.current[p.dataIndex];
          if (row) clickRef.current(row.key, p.seriesIndex === 0 ? 'org' : 'work');
        });
        ro = new ResizeObserver(() => c.resize());
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
    const many = rows.length > 12;
    c.setOption(
      {
        animationDuration: 300,
        tooltip: {
          trigger: 'axis',
          axisPointer: { type: 'shadow' },
          formatter: (params: unknown) => {
            const list = params as { dataIndex: number }[];
            const row = rows[list[0]?.dataIndex ?? -1];
            if (!row) return '';
            const c0 = row.cell;
            const pct = (v: number | null) => (v == null ? '—' : `${v}%`);
            return [
              `<b>${escapeHtml(row.name)}</b>`,
              t('coverage.tipTotal', { n: c0.total }),
              `<span style="color:${ORG_COLOR}">●</span> ${t('coverage.org')}：${c0.orgCovered}（${pct(c0.orgRate)}）`,
              `<span style="color:${WORK_COLOR}">●</span> ${t('coverage.work')}：${c0.workCovered}（${pct(c0.workRate)}）`,
              `<span style="color:#999">${t('coverage.tipClick')}</span>`,
            ].join('<br/>');
          },
        },
        legend: { top: 0, data: [t('coverage.orgRate'), t('coverage.workRate')] },
        grid: { left: 48, right: 16, top: 36, bottom: many ? 72 : 48 },
        xAxis: {
          type: 'category',
          data: rows.map((r) => r.name),
          axisLabel: {
            interval: 0,
            rotate: many || rows.some((r) => r.name.length > 6) ? 30 : 0,
            fontSize: 11,
            // long industry names are cut on the axis; the tooltip has them in full
            formatter: (v: string) => (v.length > 9 ? `${v.slice(0, 8)}…` : v),
          },
        },
        yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
        dataZoom: many ? [{ type: 'slider', bottom: 8, height: 16, startValue: 0, endValue: 11 }] : [],
        series: [
          {
            name: t('coverage.orgRate'),
            type: 'bar',
            itemStyle: { color: ORG_COLOR },
            data: rows.map((r) => r.cell.orgRate ?? 0),
            cursor: 'pointer',
            barMaxWidth: 28,
          },
          {
            name: t('coverage.workRate'),
            type: 'bar',
            itemStyle: { color: WORK_COLOR },
            data: rows.map((r) => r.cell.workRate ?? 0),
            cursor: 'pointer',
            barMaxWidth: 28,
          },
        ],
      },
      { notMerge: true },
    );
  }, [rows, ready, t]);

  return (
    <div style={{ position: 'relative' }}>
      {loadError && <Alert type="error" showIcon title={loadError} />}
      {!ready && !loadError && (
        <div style={{ position: 'absolute', inset: 0, display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
          <Spin />
        </div>
      )}
      <div ref={el} style={{ width: '100%', height }} data-testid={rest['data-testid']} data-ready={ready ? 'true' : 'false'} />
    </div>
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
