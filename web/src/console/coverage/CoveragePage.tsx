/**
 * 两个覆盖: organisation coverage and work coverage of "三有" enterprises and social organisations,
 * by child region or by industry, for the chosen region. Every bar and number opens the list of
 * organisations behind it; the four ledgers can be browsed and exported as CSV.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Button, Card, Col, Drawer, Empty, Input, Row, Segmented, Select, Space, Spin, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { DownloadOutlined, RollbackOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import type { RegionRef } from '../../shared/types';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useLabels } from '../labels';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import {
  coverageApi,
  LEDGER_KINDS,
  ledgersApi,
  type CoverageBy,
  type CoverageCell,
  type CoverageResponse,
  type CoverageRow,
  type LedgerKind,
  type LedgerResponse,
  type Org,
  type OrgGroup,
} from '../orgs/api';
import { INDUSTRY_CODES, useOrgLabels } from '../orgs/labels';
import { OrgTable } from '../orgs/OrgTable';
import { CoverageChart } from './CoverageChart';

type Pop = 'enterprises' | 'socialOrgs';
const GRP: Record<Pop, OrgGroup> = { enterprises: 'enterprise', socialOrgs: 'social_org' };

interface ListTarget {
  grp: OrgGroup;
  key?: string;
  keyName?: string;
  covered?: 'org' | 'work';
  value: boolean;
}

const pct = (v: number | null) => (v == null ? '—' : `${v.toFixed(2)}%`);

/** Column widths of the ledger tables (by the server's column keys). */
const LEDGER_WIDTHS: Record<string, number> = {
  creditCode: 180,
  name: 220,
  kindName: 130,
  industry: 170,
  regionCode: 150,
  regionName: 150,
  address: 200,
  partyOrg: 200,
  guidanceOfficer: 110,
  orgsTotal: 100,
  orgsOrgCovered: 130,
  orgsWorkCovered: 120,
};

// ---- the list behind a number ------------------------------------------------------------------

function CoverageListDrawer({
  target,
  region,
  regionName,
  by,
  onClose,
}: {
  target: ListTarget | null;
  region: string | undefined;
  regionName: string | undefined;
  by: CoverageBy;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [covered, setCovered] = useState<string>('all');
  const [items, setItems] = useState<Org[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (target) setCovered(target.covered ? `${target.covered}:${target.value}` : 'all');
  }, [target]);

  const load = useCallback(
    async (from: string | null) => {
      if (!target) return;
      setLoading(true);
      try {
        const [c, v] = covered === 'all' ? [undefined, undefined] : (covered.split(':') as ['org' | 'work', string]);
        const page = await coverageApi.list({ region, grp: target.grp, by, key: target.key, covered: c, value: v === undefined ? undefined : v === 'true', cursor: from, limit: 50 });
        setItems((prev) => (from ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(null);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setLoading(false);
      }
    },
    [target, covered, region, by],
  );

  useEffect(() => {
    setItems([]);
    void load(null);
  }, [load]);

  const title = target
    ? [regionName, target.grp === 'enterprise' ? t('coverage.enterprises') : t('coverage.socialOrgs'), target.keyName].filter(Boolean).join(' · ')
    : '';

  return (
    <Drawer open={!!target} onClose={onClose} size={1000} title={title} destroyOnHidden data-testid="coverage-list">
      <Segmented<string>
        style={{ marginBottom: 12 }}
        value={covered}
        onChange={setCovered}
        options={[
          { value: 'all', label: t('coverage.listAll') },
          { value: 'org:true', label: t('coverage.listOrgYes') },
          { value: 'org:false', label: t('coverage.listOrgNo') },
          { value: 'work:true', label: t('coverage.listWorkYes') },
          { value: 'work:false', label: t('coverage.listWorkNo') },
        ]}
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <OrgTable items={items} loading={loading} cursor={cursor} onMore={() => void load(cursor)} testId="coverage-list-table" />
    </Drawer>
  );
}

// ---- totals ------------------------------------------------------------------------------------

function TotalsCard({ pop, cell, onOpen }: { pop: Pop; cell: CoverageCell; onOpen: (t: ListTarget) => void }) {
  const { t } = useI18n();
  const grp = GRP[pop];
  const num = (n: number, target: ListTarget, testId: string) => (
    <a
      href="#"
      data-testid={testId}
      onClick={(e) => {
        e.preventDefault();
        onOpen(target);
      }}
    >
      {n}
    </a>
  );
  return (
    <Card size="small" title={pop === 'enterprises' ? t('coverage.enterprises') : t('coverage.socialOrgs')} data-testid={`coverage-totals-${pop}`}>
      <Row gutter={16}>
        <Col span={8}>
          <Statistic title={t('coverage.total')} valueRender={() => num(cell.total, { grp, value: true }, `coverage-total-${pop}`)} value={cell.total} />
        </Col>
        <Col span={8}>
          <Statistic
            title={t('coverage.orgRate')}
            value={pct(cell.orgRate)}
            styles={{ content: { color: '#c8161d' } }}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('coverage.coveredN')} {num(cell.orgCovered, { grp, covered: 'org', value: true }, `coverage-org-${pop}`)} · {t('coverage.uncoveredN')}{' '}
            {num(cell.total - cell.orgCovered, { grp, covered: 'org', value: false }, `coverage-org-no-${pop}`)}
          </Typography.Text>
        </Col>
        <Col span={8}>
          <Statistic title={t('coverage.workRate')} value={pct(cell.workRate)} styles={{ content: { color: '#d48806' } }} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('coverage.coveredN')} {num(cell.workCovered, { grp, covered: 'work', value: true }, `coverage-work-${pop}`)} · {t('coverage.uncoveredN')}{' '}
            {num(cell.total - cell.workCovered, { grp, covered: 'work', value: false }, `coverage-work-no-${pop}`)}
          </Typography.Text>
        </Col>
      </Row>
    </Card>
  );
}

// ---- ledgers ----------------------------------------------------------------------------------

function LedgerTab({ kind, region }: { kind: LedgerKind; region: string | undefined }) {
  const { t, lang } = useI18n();
  const orgLabels = useOrgLabels();
  const [q, setQ] = useState('');
  const [text, setText] = useState('');
  const [industry, setIndustry] = useState<string | undefined>();
  const [coverFilter, setCoverFilter] = useState<string | undefined>();
  const [data, setData] = useState<LedgerResponse | null>(null);
  const [rows, setRows] = useState<LedgerResponse['items']>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isOrgLedger = kind === 'three_have_enterprises' || kind === 'social_orgs';

  const filters = useMemo(() => {
    const [c, v] = coverFilter ? coverFilter.split(':') : [];
    return {
      region,
      q: q || undefined,
      industry: isOrgLedger ? industry : undefined,
      orgCovered: c === 'org' ? v === 'true' : undefined,
      workCovered: c === 'work' ? v === 'true' : undefined,
    };
  }, [region, q, industry, coverFilter, isOrgLedger]);

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      try {
        const res = await ledgersApi.list(kind, { ...filters, cursor: from, limit: 50 });
        setData(res);
        setRows((prev) => (from ? [...prev, ...res.items] : res.items));
        setError(null);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setLoading(false);
      }
    },
    [kind, filters],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const cell = (v: string | number | boolean | null) =>
    typeof v === 'boolean' ? v ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag> : (v ?? '');

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search allowClear placeholder={t('ledger.search')} value={text} onChange={(e) => setText(e.target.value)} onSearch={(v) => setQ(v.trim())} style={{ width: 220 }} />
        {isOrgLedger && (
          <Select<string>
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('org.industry')}
            style={{ width: 220 }}
            value={industry}
            onChange={setIndustry}
            options={INDUSTRY_CODES.map((c) => ({ value: c, label: orgLabels.industryFull(c) }))}
          />
        )}
        <Select<string>
          allowClear
          placeholder={t('coverage.title')}
          style={{ width: 160 }}
          value={coverFilter}
          onChange={setCoverFilter}
          options={[
            { value: 'org:true', label: t('coverage.listOrgYes') },
            { value: 'org:false', label: t('coverage.listOrgNo') },
            { value: 'work:true', label: t('coverage.listWorkYes') },
            { value: 'work:false', label: t('coverage.listWorkNo') },
          ]}
        />
        <Button icon={<DownloadOutlined />} href={ledgersApi.exportUrl(kind, filters)} data-testid={`ledger-export-${kind}`}>
          {t('ledger.exportCsv')}
        </Button>
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<Record<string, string | number | boolean | null>>
        size="small"
        rowKey={(r) => String(r.id)}
        loading={loading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: (data?.columns ?? []).reduce((w, c) => w + (LEDGER_WIDTHS[c.key] ?? 110), 0) }}
        data-testid={`ledger-table-${kind}`}
        columns={(data?.columns ?? []).map((c) => ({
          key: c.key,
          title: lang === 'en' ? c.titleEn : c.title,
          dataIndex: c.key,
          width: LEDGER_WIDTHS[c.key] ?? 110,
          ellipsis: c.key === 'address' || c.key === 'industry' || c.key === 'kindName',
          render: (v: string | number | boolean | null, r: Record<string, string | number | boolean | null>) =>
            c.key === 'name' && isOrgLedger ? <Link to={`/orgs/${r.id}`}>{String(v ?? '')}</Link> : c.key === 'creditCode' || c.key === 'regionCode' ? <span className="mono">{String(v ?? '')}</span> : cell(v),
        }))}
        footer={() => (
          <LoadMoreFooter shown={rows.length} cursor={data?.nextCursor} loading={loading} onMore={() => void load(data?.nextCursor ?? null)} />
        )}
      />
    </>
  );
}

// ---- page -------------------------------------------------------------------------------------

export default function CoveragePage() {
  const { t } = useI18n();
  const labels = useLabels();
  const orgLabels = useOrgLabels();
  const { user } = useAuth();
  const [region, setRegion] = useState<string | null>(user?.scope?.code ?? null);
  const [trail, setTrail] = useState<RegionRef[]>([]);
  const [by, setBy] = useState<CoverageBy>('region');
  const [data, setData] = useState<CoverageResponse | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [target, setTarget] = useState<ListTarget | null>(null);
  const [ledger, setLedger] = useState<LedgerKind>('three_have_enterprises');

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    coverageApi
      .get({ region: region ?? undefined, by }, ctrl.signal)
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!(err instanceof DOMException && err.name === 'AbortError')) setError(errorMessage(err));
      })
      .finally(() => setLoading(false));
    return () => ctrl.abort();
  }, [region, by]);

  const rowName = useCallback((r: CoverageRow) => (by === 'industry' && r.key !== 'none' ? `${r.key} ${orgLabels.industry(r.key, r.name)}` : by === 'industry' ? t('coverage.noIndustry') : r.name), [by, orgLabels, t]);

  const chartRows = (pop: Pop) => (data?.rows ?? []).map((r) => ({ key: r.key, name: rowName(r), cell: r[pop] }));
  const open = (pop: Pop) => (key: string, covered: 'org' | 'work') => {
    const row = data?.rows.find((r) => r.key === key);
    setTarget({ grp: GRP[pop], key, keyName: row ? rowName(row) : key, covered, value: true });
  };

  /** Child regions can be drilled into (not the node's own "本级" row). */
  const canDrill = (r: CoverageRow) => by === 'region' && data && r.key !== data.region.code && data.region.level !== 'microgrid';
  const drill = (r: CoverageRow) => {
    if (!data) return;
    setTrail((tr) => [...tr, data.region]);
    setRegion(r.key);
  };
  const back = () => {
    const prev = trail[trail.length - 1];
    if (!prev) return;
    setTrail((tr) => tr.slice(0, -1));
    setRegion(prev.code);
  };

  const numCell = (pop: Pop, r: CoverageRow, covered: 'org' | 'work' | undefined) => {
    const c = r[pop];
    const n = covered === 'org' ? c.orgCovered : covered === 'work' ? c.workCovered : c.total;
    const rate = covered === 'org' ? c.orgRate : covered === 'work' ? c.workRate : null;
    return (
      <a
        href="#"
        onClick={(e) => {
          e.preventDefault();
          setTarget({ grp: GRP[pop], key: r.key, keyName: rowName(r), covered, value: true });
        }}
      >
        {n}
        {covered && <span className="muted-level">{pct(rate)}</span>}
      </a>
    );
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" title={t('coverage.pageTitle')} data-testid="coverage-page">
        <Space wrap>
          <span>{t('coverage.region')}</span>
          <div style={{ width: 300 }}>
            <RegionTreeSelect
              value={region}
              allowClear={false}
              onChange={(c) => {
                setTrail([]);
                setRegion(c);
              }}
              data-testid="coverage-region"
            />
          </div>
          {trail.length > 0 && (
            <Button icon={<RollbackOutlined />} onClick={back}>
              {t('coverage.back', { name: trail[trail.length - 1]!.name })}
            </Button>
          )}
          <Segmented<CoverageBy>
            value={by}
            onChange={setBy}
            options={[
              { value: 'region', label: t('coverage.byRegion') },
              { value: 'industry', label: t('coverage.byIndustry') },
            ]}
            data-testid="coverage-by"
          />
          {data && (
            <Typography.Text type="secondary">
              {data.region.name} · {labels.level(data.region.level)}
            </Typography.Text>
          )}
        </Space>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
          {t('coverage.definition')}
        </Typography.Paragraph>
      </Card>
      {error && <Alert type="error" showIcon title={error} />}
      {!data && loading && <Spin />}
      {data && (
        <>
          <Row gutter={16}>
            <Col xs={24} lg={12}>
              <TotalsCard pop="enterprises" cell={data.totals.enterprises} onOpen={setTarget} />
            </Col>
            <Col xs={24} lg={12}>
              <TotalsCard pop="socialOrgs" cell={data.totals.socialOrgs} onOpen={setTarget} />
            </Col>
          </Row>
          <Row gutter={16}>
            {(['enterprises', 'socialOrgs'] as const).map((pop) => (
              <Col xs={24} xl={12} key={pop}>
                <Card
                  size="small"
                  title={`${pop === 'enterprises' ? t('coverage.enterprises') : t('coverage.socialOrgs')} · ${by === 'region' ? t('coverage.byRegion') : t('coverage.byIndustry')}`}
                  loading={loading && !data}
                >
                  {data.rows.length === 0 ? <Empty description={t('coverage.noRows')} /> : <CoverageChart rows={chartRows(pop)} onBarClick={open(pop)} data-testid={`coverage-chart-${pop}`} />}
                </Card>
              </Col>
            ))}
          </Row>
          <Card size="small" title={t('coverage.tableTitle')}>
            <Table<CoverageRow>
              size="small"
              rowKey="key"
              pagination={false}
              dataSource={data.rows}
              loading={loading}
              scroll={{ x: 900 }}
              data-testid="coverage-table"
              columns={[
                {
                  title: by === 'region' ? t('coverage.childRegion') : t('org.industry'),
                  key: 'name',
                  fixed: 'left',
                  width: 200,
                  render: (_: unknown, r) =>
                    canDrill(r) ? (
                      <a
                        href="#"
                        onClick={(e) => {
                          e.preventDefault();
                          drill(r);
                        }}
                        title={t('coverage.drill')}
                      >
                        {rowName(r)}
                      </a>
                    ) : (
                      rowName(r)
                    ),
                },
                {
                  title: t('coverage.enterprises'),
                  children: [
                    { title: t('coverage.total'), key: 'et', align: 'right', render: (_: unknown, r: CoverageRow) => numCell('enterprises', r, undefined) },
                    { title: t('coverage.org'), key: 'eo', align: 'right', render: (_: unknown, r: CoverageRow) => numCell('enterprises', r, 'org') },
                    { title: t('coverage.work'), key: 'ew', align: 'right', render: (_: unknown, r: CoverageRow) => numCell('enterprises', r, 'work') },
                  ],
                },
                {
                  title: t('coverage.socialOrgs'),
                  children: [
                    { title: t('coverage.total'), key: 'st', align: 'right', render: (_: unknown, r: CoverageRow) => numCell('socialOrgs', r, undefined) },
                    { title: t('coverage.org'), key: 'so', align: 'right', render: (_: unknown, r: CoverageRow) => numCell('socialOrgs', r, 'org') },
                    { title: t('coverage.work'), key: 'sw', align: 'right', render: (_: unknown, r: CoverageRow) => numCell('socialOrgs', r, 'work') },
                  ],
                },
              ]}
            />
          </Card>
        </>
      )}
      <Card size="small" title={t('ledger.title')}>
        <Tabs
          activeKey={ledger}
          onChange={(k) => setLedger(k as LedgerKind)}
          items={LEDGER_KINDS.map((k) => ({
            key: k,
            label: orgLabels.ledger(k),
            children: ledger === k ? <LedgerTab kind={k} region={region ?? undefined} /> : null,
          }))}
        />
      </Card>
      <CoverageListDrawer target={target} region={region ?? undefined} regionName={data?.region.name} by={by} onClose={() => setTarget(null)} />
    </Space>
  );
}
