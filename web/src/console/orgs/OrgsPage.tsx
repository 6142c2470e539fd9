/**
 * 单位: enterprises and social organisations with filters (kept in the URL so the coverage page
 * and colleagues can link to a filtered list), and the parks / commercial buildings tab.
 */
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Input, Segmented, Select, Space, Tabs } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { useCursorList } from '../components/useCursorList';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { orgsApi, ORG_STATUSES, type Org, type OrgGroup, type OrgListQuery, type OrgStatus } from './api';
import { INDUSTRY_CODES, ORG_KINDS, useOrgLabels } from './labels';
import { OrgDrawer } from './OrgDrawer';
import { SitesTab } from './SitesTab';
import { OrgTable } from './OrgTable';

const bool = (v: string | null): boolean | undefined => (v === 'true' ? true : v === 'false' ? false : undefined);

function queryFromParams(p: URLSearchParams): OrgListQuery {
  const str = (k: string) => p.get(k) || undefined;
  return {
    q: str('q'),
    grp: (str('grp') as OrgGroup | undefined) ?? undefined,
    kind: str('kind'),
    industry: str('industry'),
    status: str('status') as OrgStatus | undefined,
    threeHave: bool(p.get('threeHave')),
    orgCovered: bool(p.get('orgCovered')),
    workCovered: bool(p.get('workCovered')),
    siteId: p.get('siteId') ? Number(p.get('siteId')) : undefined,
    region: str('region'),
  };
}

/** Yes / no / either select for a boolean filter. */
function BoolSelect({ value, onChange, placeholder, yes, no }: { value?: boolean; onChange: (v: boolean | undefined) => void; placeholder: string; yes: string; no: string }) {
  return (
    <Select<string>
      allowClear
      placeholder={placeholder}
      style={{ width: 140 }}
      value={value === undefined ? undefined : String(value)}
      onChange={(v) => onChange(v === undefined ? undefined : v === 'true')}
      options={[
        { value: 'true', label: yes },
        { value: 'false', label: no },
      ]}
    />
  );
}

function OrgList() {
  const { t } = useI18n();
  const labels = useOrgLabels();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const query = useMemo(() => queryFromParams(params), [params]);
  const [text, setText] = useState(query.q ?? '');
  const { items, cursor, loading, error, load } = useCursorList<Org>((from) => orgsApi.list({ ...query, cursor: from, limit: 50 }), [query]);
  const [drawerOpen, setDrawerOpen] = useState(false);

  const setFilter = (patch: Record<string, string | number | boolean | undefined | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    setParams(next, { replace: true });
  };

  useEffect(() => setText(query.q ?? ''), [query.q]);

  const kindOptions = (query.grp ? ORG_KINDS[query.grp] : [...ORG_KINDS.enterprise, ...ORG_KINDS.social_org]).map((k) => ({
    value: k,
    label: `${k} ${labels.kind(k)}`,
  }));
  const filtered = [...params.keys()].some((k) => k !== 'tab');

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('org.searchPlaceholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => setFilter({ q: v.trim() })}
          style={{ width: 260 }}
          data-testid="org-search"
        />
        <Segmented<string>
          value={query.grp ?? 'all'}
          onChange={(v) => setFilter({ grp: v === 'all' ? undefined : v, kind: undefined })}
          options={[
            { value: 'all', label: t('org.allGroups') },
            { value: 'enterprise', label: labels.group('enterprise') },
            { value: 'social_org', label: labels.group('social_org') },
          ]}
        />
        <Select<string>
          allowClear
          placeholder={t('org.kind')}
          style={{ width: 190 }}
          value={query.kind}
          onChange={(v) => setFilter({ kind: v })}
          options={kindOptions}
        />
        <Select<string>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('org.industry')}
          style={{ width: 240 }}
          value={query.industry}
          onChange={(v) => setFilter({ industry: v })}
          options={INDUSTRY_CODES.map((c) => ({ value: c, label: labels.industryFull(c) }))}
          data-testid="org-industry-filter"
        />
      </Space>
      <Space wrap style={{ marginBottom: 12 }}>
        <BoolSelect value={query.threeHave} onChange={(v) => setFilter({ threeHave: v })} placeholder={t('org.threeHave')} yes={t('org.threeHaveYes')} no={t('org.threeHaveNo')} />
        <BoolSelect value={query.orgCovered} onChange={(v) => setFilter({ orgCovered: v })} placeholder={t('coverage.org')} yes={t('org.covered')} no={t('org.notCovered')} />
        <BoolSelect value={query.workCovered} onChange={(v) => setFilter({ workCovered: v })} placeholder={t('coverage.work')} yes={t('org.covered')} no={t('org.notCovered')} />
        <Select<string>
          allowClear
          placeholder={t('org.status')}
          style={{ width: 120 }}
          value={query.status}
          onChange={(v) => setFilter({ status: v })}
          options={ORG_STATUSES.map((s) => ({ value: s, label: labels.status(s) }))}
        />
        <div style={{ width: 260 }}>
          <RegionTreeSelect value={query.region ?? null} onChange={(c) => setFilter({ region: c })} placeholder={t('org.regionFilter')} />
        </div>
        {filtered && (
          <Button icon={<ReloadOutlined />} onClick={() => setParams(params.get('tab') ? { tab: params.get('tab')! } : {}, { replace: true })}>
            {t('common.reset')}
          </Button>
        )}
        {can('org.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDrawerOpen(true)} data-testid="org-create">
            {t('org.create')}
          </Button>
        )}
      </Space>
      {query.siteId && (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('org.filteredBySite', { id: query.siteId })} closable={{ onClose: () => setFilter({ siteId: undefined }) }} />
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <OrgTable items={items} loading={loading} cursor={cursor} onMore={() => void load(cursor)} />
      <OrgDrawer
        open={drawerOpen}
        editing={null}
        onClose={() => setDrawerOpen(false)}
        onSaved={(o) => {
          setDrawerOpen(false);
          navigate(`/orgs/${o.id}`);
        }}
      />
    </>
  );
}

export default function OrgsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'sites' ? 'sites' : 'orgs';
  return (
    <Card size="small" title={t('org.title')}>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'sites' ? { tab: 'sites' } : {}, { replace: true })}
        items={[
          { key: 'orgs', label: t('org.tabOrgs'), children: tab === 'orgs' ? <OrgList /> : null },
          { key: 'sites', label: t('org.tabSites'), children: tab === 'sites' ? <SitesTab /> : null },
        ]}
      />
    </Card>
  );
}
