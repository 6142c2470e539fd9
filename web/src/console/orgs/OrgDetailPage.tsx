/** One organisation: registry fields, coverage, and where each value came from (一表通 provenance). */
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, Breadcrumb, Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { formatTime } from '../labels';
import { useImportLabels } from '../imports/labels';
import { orgsApi, type OrgDetail, type ProvenanceEntry } from './api';
import { CoverageTags } from './CoverageTags';
import { useOrgLabels } from './labels';
import { OrgDrawer } from './OrgDrawer';

export default function OrgDetailPage() {
  const { t, lang } = useI18n();
  const labels = useOrgLabels();
  const importLabels = useImportLabels();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { id: idParam } = useParams();
  const id = Number(idParam);
  const [org, setOrg] = useState<OrgDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);

  const load = useCallback(async () => {
    try {
      setOrg(await orgsApi.get(id));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [id]);

  useEffect(() => {
    if (Number.isInteger(id) && id > 0) void load();
  }, [id, load]);

  if (error) return <Alert type="error" showIcon title={error} action={<Button onClick={() => navigate('/orgs')}>{t('org.backToList')}</Button>} />;

  const yesNo = (v: boolean) => (v ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>);
  const none = t('common.none');
  const provenance = org ? Object.entries(org.provenance ?? {}).sort(([a], [b]) => a.localeCompare(b)) : [];

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={16}>
      <Breadcrumb items={[{ key: 'list', title: <Link to="/orgs">{t('org.title')}</Link> }, { key: 'me', title: org?.name ?? '…' }]} />
      <Card
        size="small"
        loading={!org}
        title={
          org && (
            <Space>
              <span data-testid="org-detail-name">{org.name}</span>
              <Tag color={org.grp === 'enterprise' ? 'blue' : 'purple'}>{labels.group(org.grp)}</Tag>
              {org.status === 'deregistered' && <Tag>{labels.status(org.status)}</Tag>}
            </Space>
          )
        }
        extra={
          org && (
            <Space>
              {can('person.read') && <Link to={`/conflicts?entityType=org&entityId=${org.id}`}>{t('org.conflicts')}</Link>}
              {can('org.write') && (
                <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="org-edit">
                  {t('common.edit')}
                </Button>
              )}
            </Space>
          )
        }
      >
        {org && (
          <Descriptions
            size="small"
            bordered
            column={{ xs: 1, md: 2 }}
            items={[
              {
                key: 'code',
                label: t('org.creditCode'),
                children: (
                  <Typography.Text copyable className="mono">
                    {org.creditCode}
                  </Typography.Text>
                ),
              },
              { key: 'kind', label: t('org.kind'), children: `${labels.kind(org.kind, org.kindName)}（${org.kind}）` },
              { key: 'industry', label: t('org.industry'), children: labels.industryFull(org.industry, org.industryName) || none },
              { key: 'status', label: t('org.status'), children: labels.status(org.status) },
              {
                key: 'region',
                label: t('org.region'),
                children: <Link to={`/regions?code=${encodeURIComponent(org.region.code)}`}>{`${org.region.name}（${org.region.code}）`}</Link>,
              },
              { key: 'address', label: t('org.address'), children: org.address || none },
              { key: 'employees', label: t('org.employees'), children: org.employees ?? none },
              {
                key: 'site',
                label: t('org.site'),
                children: org.siteId ? <Link to={`/orgs?siteId=${org.siteId}`}>{t('org.sameSite')}</Link> : none,
              },
              {
                key: 'three',
                label: t('org.threeHave'),
                children: (
                  <Space size={4} wrap>
                    {yesNo(org.threeHave)}
                    <span className="muted-level">
                      {t('org.hasPremises')} {org.hasPremises ? '✓' : '✗'} · {t('org.hasStaff')} {org.hasStaff ? '✓' : '✗'} · {t('org.hasRevenue')} {org.hasRevenue ? '✓' : '✗'}
                    </span>
                  </Space>
                ),
              },
              { key: 'coverage', label: t('coverage.title'), children: <CoverageTags org={org} /> },
              {
                key: 'party',
                label: t('org.partyOrg'),
                children: org.partyOrg ? <Link to={`/party?id=${org.partyOrg.id}`}>{org.partyOrg.name}</Link> : none,
              },
              { key: 'officer', label: t('org.guidanceOfficer'), children: org.guidanceOfficer || none },
              { key: 'members', label: t('org.partyMembers'), children: org.partyMembers },
              {
                key: 'loc',
                label: t('org.location'),
                children: org.lng != null && org.lat != null ? <span className="mono">{`${org.lng.toFixed(6)}, ${org.lat.toFixed(6)}`}</span> : none,
              },
              { key: 'updated', label: t('org.updatedAt'), children: formatTime(org.updatedAt, lang) },
              { key: 'version', label: t('org.version'), children: org.version },
            ]}
          />
        )}
      </Card>
      {org && (
        <Card size="small" title={t('org.provenance')} extra={<Typography.Text type="secondary">{t('org.provenanceHint')}</Typography.Text>}>
          <Table<[string, ProvenanceEntry]>
            size="small"
            rowKey={([f]) => f}
            pagination={false}
            dataSource={provenance}
            data-testid="org-provenance"
            columns={[
              { title: t('org.provField'), key: 'field', render: (_: unknown, [f]) => importLabels.field('orgs', f) },
              {
                title: t('org.provSource'),
                key: 'source',
                render: (_: unknown, [, p]) => (p.s === 'manual' ? <Tag>{t('org.provManual')}</Tag> : <Tag color="blue">{p.s}</Tag>),
              },
              { title: t('org.provUser'), key: 'user', render: (_: unknown, [, p]) => p.u ?? '' },
              {
                title: t('org.provBatch'),
                key: 'batch',
                render: (_: unknown, [, p]) => (p.b != null && p.b !== '' ? <Link to={`/imports/${p.b}`}>#{p.b}</Link> : ''),
              },
              { title: t('org.provTime'), key: 'time', render: (_: unknown, [, p]) => formatTime(p.t, lang) },
            ]}
          />
        </Card>
      )}
      <OrgDrawer
        open={editing}
        editing={org}
        onClose={() => setEditing(false)}
        onSaved={(o) => {
          setEditing(false);
          setOrg(o);
        }}
      />
    </Space>
  );
}
