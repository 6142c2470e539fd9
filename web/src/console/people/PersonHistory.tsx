import { useEffect, useMemo, useState } from 'react';
import { Alert, Empty, Spin, Table, Tag, Typography } from 'antd';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { housesApi, peopleApi, type PersonDetail, type PersonVersion } from '../../shared/registry';
import { formatTime } from '../labels';
import { useCatalogue } from './catalogue';
import { codeOfPath, useRegistryLabels } from './labels';

/** The fields a version snapshot carries, in display order. */
const DIFF_FIELDS = ['name', 'idNumber', 'phone', 'sex', 'birthDate', 'houseId', 'regionPath', 'politicalStatus', 'status', 'tags'] as const;
type DiffField = (typeof DIFF_FIELDS)[number];

interface Change {
  field: DiffField;
  before: unknown;
  after: unknown;
}

interface Row {
  key: number;
  version: number;
  changedAt: string;
  changedBy: number | null;
  source: string;
  changes: Change[];
}

/** The current record in the shape of a history snapshot. */
function snapshotOf(p: PersonDetail): Record<string, unknown> {
  return {
    name: p.name,
    idNumber: p.idNumber,
    phone: p.phone,
    sex: p.sex,
    birthDate: p.birthDate,
    houseId: p.houseId,
    regionPath: p.regionCode,
    politicalStatus: p.politicalStatus,
    status: p.status,
    tags: p.tags,
    version: p.version,
  };
}

const norm = (f: DiffField, v: unknown) => (f === 'regionPath' ? codeOfPath(typeof v === 'string' ? v : null) : f === 'tags' ? [...((v as string[]) ?? [])].sort() : (v ?? null));

/**
 * 历史版本: each saved change as "version n → n+1" with the fields that changed (old struck
 * through, new in green). Snapshots hold the state before each change; the last one is compared
 * with the current record.
 */
export function PersonHistory({ person }: { person: PersonDetail }) {
  const { t, lang } = useI18n();
  const labels = useRegistryLabels();
  const { user } = useAuth();
  const { tagOf } = useCatalogue();
  const [versions, setVersions] = useState<PersonVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [addresses, setAddresses] = useState<Record<number, string>>({});

  useEffect(() => {
    let alive = true;
    setVersions(null);
    peopleApi
      .history(person.id)
      .then((v) => alive && setVersions(v))
      .catch((err: unknown) => alive && setError(errorMessage(err)));
    return () => {
      alive = false;
    };
  }, [person.id, person.version]);

  const rows: Row[] = useMemo(() => {
    if (!versions) return [];
    const sorted = [...versions].sort((a, b) => a.version - b.version);
    return sorted
      .map((v, i) => {
        const next = sorted[i + 1]?.data ?? snapshotOf(person);
        const changes = DIFF_FIELDS.map((f) => ({ field: f, before: v.data[f], after: next[f] })).filter(
          (c) => JSON.stringify(norm(c.field, c.before)) !== JSON.stringify(norm(c.field, c.after)),
        );
        return { key: v.version, version: v.version, changedAt: v.changedAt, changedBy: v.changedBy, source: v.source, changes };
      })
      .reverse();
  }, [versions, person]);

  // Show addresses rather than house numbers.
  useEffect(() => {
    const ids = new Set<number>();
    for (const r of rows) for (const c of r.changes) if (c.field === 'houseId') for (const v of [c.before, c.after]) if (typeof v === 'number' && !addresses[v]) ids.add(v);
    if (!ids.size) return;
    let alive = true;
    void Promise.all([...ids].map((id) => housesApi.get(id).then((h) => [id, h.address] as const).catch(() => [id, `#${id}`] as const))).then(
      (pairs) => alive && setAddresses((a) => ({ ...a, ...Object.fromEntries(pairs) })),
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows]);

  const fieldLabel: Record<DiffField, string> = {
    name: t('person.name'),
    idNumber: t('person.idNumber'),
    phone: t('person.phone'),
    sex: t('person.sex'),
    birthDate: t('person.birthDate'),
    houseId: t('person.address'),
    regionPath: t('person.region'),
    politicalStatus: t('person.politicalStatus'),
    status: t('person.status'),
    tags: t('person.tags'),
  };

  const show = (f: DiffField, v: unknown): string => {
    if (v === null || v === undefined || v === '') return t('common.none');
    switch (f) {
      case 'sex':
        return labels.sex(String(v));
      case 'politicalStatus':
        return labels.political(String(v));
      case 'status':
        return labels.personStatus(String(v));
      case 'houseId':
        return addresses[v as number] ?? `#${String(v)}`;
      case 'regionPath':
        return codeOfPath(String(v));
      case 'tags':
        return (v as string[]).length ? (v as string[]).map((c) => tagOf(c)?.name ?? c).join('、') : t('common.none');
      default:
        return String(v);
    }
  };

  const sourceLabel = (s: string) => {
    if (s === 'manual') return t('history.source.manual');
    if (s === 'conflict') return t('history.source.conflict');
    if (s.startsWith('import:')) return t('history.source.import', { batch: s.slice(7) || '—' });
    if (s.startsWith('event:')) return t('history.source.event', { event: labels.event(s.slice(6)) });
    return s;
  };

  if (error) return <Alert type="error" showIcon title={error} />;
  if (!versions) return <Spin />;
  if (!rows.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('history.none')} />;
  return (
    <Table<Row>
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={rows}
      data-testid="person-history"
      columns={[
        {
          title: t('history.version'),
          key: 'v',
          width: 90,
          render: (_: unknown, r) => (
            <span className="mono">
              v{r.version} → v{r.version + 1}
            </span>
          ),
        },
        { title: t('history.changedAt'), dataIndex: 'changedAt', width: 170, render: (v: string) => formatTime(v, lang) },
        {
          title: t('history.changedBy'),
          dataIndex: 'changedBy',
          width: 120,
          render: (v: number | null) => (v == null ? t('history.system') : v === user?.id ? `${user.displayName}` : t('history.userN', { id: v })),
        },
        { title: t('history.source'), dataIndex: 'source', width: 140, render: (v: string) => <Tag>{sourceLabel(v)}</Tag> },
        {
          title: t('history.changes'),
          key: 'changes',
          render: (_: unknown, r) =>
            r.changes.length ? (
              <div>
                {r.changes.map((c) => (
                  <div key={c.field} data-testid={`diff-${c.field}`}>
                    <Typography.Text strong>{fieldLabel[c.field]}</Typography.Text>：<span className="diff-old">{show(c.field, c.before)}</span> →{' '}
                    <span className="diff-new">{show(c.field, c.after)}</span>
                  </div>
                ))}
              </div>
            ) : (
              <Typography.Text type="secondary">{t('history.noVisibleChange')}</Typography.Text>
            ),
        },
      ]}
    />
  );
}
