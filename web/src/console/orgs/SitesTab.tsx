/** 园区 / 商务楼宇: the sites, their own coverage and how many of the organisations in them are covered. */
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Form, Input, Segmented, Space, Table, Tooltip } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { PartyOrgTreeSelect } from '../party/PartyOrgTreeSelect';
import { sitesApi, SITE_KINDS, type Site, type SiteInput, type SiteKind } from './api';
import { CoverageTags } from './CoverageTags';
import { useOrgLabels } from './labels';
import { FormModal, useFormShell } from '../components/formShell';

const SITE_LEVELS = ['district', 'street', 'community', 'grid', 'microgrid'] as const;
const FIELDS = ['kind', 'name', 'address', 'regionCode', 'partyOrgId', 'guidanceOfficer'] as const;

interface SiteForm {
  kind: SiteKind;
  name: string;
  address?: string;
  regionCode?: string | null;
  partyOrgId?: number | null;
  guidanceOfficer?: string;
}

function SiteModal({ open, editing, onClose, onSaved }: { open: boolean; editing: Site | null; onClose: () => void; onSaved: (s: Site) => void }) {
  const { t } = useI18n();
  const labels = useOrgLabels();
  const { message } = App.useApp();
  const { form, busy, errors, reset, save } = useFormShell<SiteForm>(FIELDS);

  useEffect(() => {
    if (!open) return;
    reset();
    form.setFieldsValue(
      editing
        ? {
            kind: editing.kind as SiteKind,
            name: editing.name,
            address: editing.address ?? '',
            regionCode: editing.region.code,
            partyOrgId: editing.partyOrg?.id ?? null,
            guidanceOfficer: editing.guidanceOfficer ?? '',
          }
        : { kind: 'commercial_building' },
    );
  }, [open, editing, form]);

  const submit = async () => {
    const v = await form.validateFields();
    await save(async () => {
      const body: SiteInput = {
        name: v.name.trim(),
        address: v.address?.trim() || null,
        regionCode: v.regionCode ?? undefined,
        partyOrgId: v.partyOrgId ?? null,
        guidanceOfficer: v.guidanceOfficer?.trim() || null,
      };
      const saved = editing
        ? await sitesApi.update(editing.id, body)
        : await sitesApi.create({
            ...Object.fromEntries(Object.entries(body).filter(([, x]) => x !== null && x !== undefined)),
            kind: v.kind,
          });
      message.success(t('common.saved'));
      onSaved(saved);
    });
  };

  return (
    <FormModal
      form={form}
      busy={busy}
      errors={errors}
      submit={submit}
      gap={16}
      formProps={{ requiredMark: 'optional' }}
      open={open}
      onCancel={onClose}
      title={editing ? t('site.edit', { name: editing.name }) : t('site.create')}
      okText={editing ? t('common.save') : t('common.create')}
    >
      <Form.Item name="kind" label={t('site.kind')} rules={[{ required: true }]}>
        <Segmented<SiteKind> disabled={!!editing} options={SITE_KINDS.map((k) => ({ value: k, label: labels.siteKind(k) }))} />
      </Form.Item>
      <Form.Item name="name" label={t('site.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('site.name') }) }]}>
        <Input maxLength={128} />
      </Form.Item>
      <Form.Item name="regionCode" label={t('org.region')} rules={[{ required: !editing, message: t('org.regionRequired') }]}>
        <RegionTreeSelect selectableLevels={SITE_LEVELS} placeholder={t('org.regionPlaceholder')} />
      </Form.Item>
      <Form.Item name="address" label={t('org.address')}>
        <Input maxLength={256} />
      </Form.Item>
      <Form.Item name="partyOrgId" label={t('site.partyOrg')}>
        <PartyOrgTreeSelect initialLabel={editing?.partyOrg?.name} placeholder={t('org.partyOrgPlaceholder')} />
      </Form.Item>
      <Form.Item name="guidanceOfficer" label={t('org.guidanceOfficer')}>
        <Input maxLength={64} />
      </Form.Item>
    </FormModal>
  );
}

export function SitesTab() {
  const { t } = useI18n();
  const labels = useOrgLabels();
  const { can } = useAuth();
  const [kind, setKind] = useState<SiteKind | 'all'>('all');
  const [region, setRegion] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [modal, setModal] = useState<{ open: boolean; editing: Site | null }>({ open: false, editing: null });

  const fetchSites = (from: string | null, text = q) =>
    sitesApi.list({ kind: kind === 'all' ? undefined : kind, region: region ?? undefined, q: text.trim() || undefined, cursor: from, limit: 50 });
  // q is passed explicitly on search
  const { items, setItems, cursor, loading, error, load } = useCursorList<Site>((from) => fetchSites(from), [kind, region]);

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<string>
          value={kind}
          onChange={(v) => setKind(v as SiteKind | 'all')}
          options={[{ value: 'all', label: t('org.allGroups') }, ...SITE_KINDS.map((k) => ({ value: k, label: labels.siteKind(k) }))]}
        />
        <Input.Search allowClear placeholder={t('site.search')} value={q} onChange={(e) => setQ(e.target.value)} onSearch={(v) => void load(null, (from) => fetchSites(from, v))} style={{ width: 220 }} />
        <div style={{ width: 260 }}>
          <RegionTreeSelect value={region} onChange={setRegion} placeholder={t('org.regionFilter')} />
        </div>
        {can('org.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setModal({ open: true, editing: null })} data-testid="site-create">
            {t('site.create')}
          </Button>
        )}
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<Site>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1100 }}
        data-testid="site-table"
        columns={[
          { title: t('site.name'), dataIndex: 'name', width: 200 },
          { title: t('site.kind'), dataIndex: 'kind', width: 100, render: (k: string) => labels.siteKind(k) },
          {
            title: t('org.region'),
            key: 'region',
            width: 150,
            render: (_: unknown, s) => (
              <Tooltip title={s.region.code}>
                <span>{s.region.name}</span>
              </Tooltip>
            ),
          },
          { title: t('org.address'), dataIndex: 'address', ellipsis: true },
          { title: t('site.partyOrg'), key: 'party', width: 170, ellipsis: true, render: (_: unknown, s) => s.partyOrg?.name ?? '' },
          { title: t('org.guidanceOfficer'), dataIndex: 'guidanceOfficer', width: 110 },
          { title: t('site.ownCoverage'), key: 'cov', width: 160, render: (_: unknown, s) => <CoverageTags org={s} /> },
          {
            title: t('site.orgs'),
            key: 'orgs',
            width: 200,
            render: (_: unknown, s) => (
              <Link to={`/orgs?siteId=${s.id}`}>{t('site.orgCounts', { total: s.orgs.total, org: s.orgs.orgCovered, work: s.orgs.workCovered })}</Link>
            ),
          },
          ...(can('org.write')
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 90,
                  fixed: 'right' as const,
                  render: (_: unknown, s: Site) => (
                    <Button size="small" icon={<EditOutlined />} onClick={() => setModal({ open: true, editing: s })}>
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
        footer={() => (
          <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
        )}
      />
      <SiteModal
        open={modal.open}
        editing={modal.editing}
        onClose={() => setModal({ open: false, editing: null })}
        onSaved={(s) => {
          setModal({ open: false, editing: null });
          setItems((prev) => (prev.some((x) => x.id === s.id) ? prev.map((x) => (x.id === s.id ? s : x)) : [s, ...prev]));
        }}
      />
    </>
  );
}
