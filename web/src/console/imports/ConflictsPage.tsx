/**
 * 冲突处理: when two departments disagree on a value, a person decides. Each row shows the value
 * on record and the incoming one, each with its department and date; one click keeps or replaces
 * it, and several rows can be decided at once.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, App, Button, Card, Segmented, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { CheckOutlined, SwapOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { formatTime } from '../labels';
import { conflictsApi, entityLabel, entityPath, type Conflict, type ConflictEntityType, type ConflictResolution, type ValueSource } from './api';
import { kindOfEntity } from './fields';
import { useImportLabels } from './labels';

const ENTITY_TYPES = ['person', 'house', 'org'] as const;

function SourceLine({ src }: { src: ValueSource | null }) {
  const { t, lang } = useI18n();
  const when = formatTime(src?.at, lang);
  if (!src) return <span className="muted-level">{t('conflict.noSource')}</span>;
  const dept = src.department === 'manual' ? t('org.provManual') : (src.department ?? t('conflict.noSource'));
  return (
    <span className="conflict-source">
      <Tag color={src.department === 'manual' ? 'default' : 'blue'}>{dept}</Tag>
      {src.at && (
        <Tooltip title={when}>
          <span className="muted-level">{when.split(/[ ,]/)[0]}</span>
        </Tooltip>
      )}
      {src.batchId != null && src.batchId !== '' && (
        <Link to={`/imports/${src.batchId}`} className="muted-level">
          #{src.batchId}
        </Link>
      )}
    </span>
  );
}

export default function ConflictsPage() {
  const { t, lang } = useI18n();
  const labels = useImportLabels();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const [entityType, setEntityType] = useState<string>(params.get('entityType') ?? 'all');
  // Narrowed from elsewhere: one import batch (/conflicts?batchId=) or one record (?entityType=&entityId=).
  const batchId = Number(params.get('batchId')) || undefined;
  const entityId = Number(params.get('entityId')) || undefined;
  const { items, setItems, cursor, loading, error, load } = useCursorList<Conflict>(
    (from) =>
      conflictsApi.list({
        status,
        entityType: entityType === 'all' ? undefined : (entityType as ConflictEntityType),
        entityId: entityType === 'all' ? undefined : entityId,
        batchId,
        cursor: from,
        limit: 50,
      }),
    [status, entityType, entityId, batchId],
  );
  const [busy, setBusy] = useState<Set<number>>(new Set());
  const [selected, setSelected] = useState<number[]>([]);
  const canResolve = can('conflict.resolve');
  // Names of the records on screen (the list carries type and id only), fetched once each.
  const [names, setNames] = useState<Record<string, string | null>>({});
  const asked = useRef(new Set<string>());
  const fetched = useRef(new Set<string>());

  useEffect(() => {
    const todo = [...new Map(items.map((c) => [`${c.entityType}:${c.entityId}`, c])).entries()].filter(([k]) => !asked.current.has(k));
    if (!todo.length) return;
    todo.forEach(([k]) => asked.current.add(k));
    let alive = true;
    void (async () => {
      // A few at a time: a page holds at most 50 rows.
      for (let i = 0; i < todo.length; i += 6) {
        const chunk = todo.slice(i, i + 6);
        const got = await Promise.all(chunk.map(async ([k, c]) => [k, await entityLabel(c.entityType, c.entityId)] as const));
        got.forEach(([k]) => fetched.current.add(k));
        setNames((n) => ({ ...n, ...Object.fromEntries(got) }));
        if (!alive) return;
      }
    })();
    return () => {
      alive = false;
      // Ask again next time for what this run did not get to.
      todo.forEach(([k]) => !fetched.current.has(k) && asked.current.delete(k));
    };
  }, [items]);

  useEffect(() => {
    setSelected([]);
  }, [status, entityType, entityId, batchId]);

  const resolveOne = async (c: Conflict, resolution: ConflictResolution): Promise<boolean> => {
    setBusy((b) => new Set(b).add(c.id));
    try {
      await conflictsApi.resolve(c.id, resolution);
      // Decided rows leave the open queue.
      setItems((prev) => (status === 'open' ? prev.filter((x) => x.id !== c.id) : prev));
      setSelected((s) => s.filter((x) => x !== c.id));
      return true;
    } catch (err) {
      message.error(t('conflict.failed', { entity: names[`${c.entityType}:${c.entityId}`] ?? `#${c.entityId}`, error: errorMessage(err) }));
      return false;
    } finally {
      setBusy((b) => {
        const n = new Set(b);
        n.delete(c.id);
        return n;
      });
    }
  };

  const resolve = async (c: Conflict, resolution: ConflictResolution) => {
    if (await resolveOne(c, resolution)) message.success(resolution === 'keep_current' ? t('conflict.kept') : t('conflict.taken'));
  };

  const resolveSelected = async (resolution: ConflictResolution) => {
    const rows = items.filter((c) => selected.includes(c.id));
    let ok = 0;
    for (const c of rows) if (await resolveOne(c, resolution)) ok++;
    message.success(t('conflict.bulkDone', { n: ok }));
  };

  const entityLink = (c: Conflict) => {
    const path = entityPath(c.entityType, c.entityId);
    const text = names[`${c.entityType}:${c.entityId}`] ?? `${labels.entity(c.entityType)} #${c.entityId}`;
    return path ? <Link to={path}>{text}</Link> : text;
  };

  return (
    <Card size="small" title={t('conflict.title')} extra={<Typography.Text type="secondary">{t('conflict.hint')}</Typography.Text>}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<'open' | 'resolved'>
          value={status}
          onChange={setStatus}
          options={[
            { value: 'open', label: t('conflict.status.open') },
            { value: 'resolved', label: t('conflict.status.resolved') },
          ]}
        />
        <Segmented<string>
          value={entityType}
          onChange={(v) => {
            setEntityType(v);
            if (entityId) setParams({}, { replace: true });
          }}
          options={[{ value: 'all', label: t('conflict.allTypes') }, ...ENTITY_TYPES.map((e) => ({ value: e, label: labels.entity(e) }))]}
          data-testid="conflict-type"
        />
        {canResolve && status === 'open' && selected.length > 0 && (
          <>
            <Button icon={<CheckOutlined />} onClick={() => void resolveSelected('keep_current')}>
              {t('conflict.keepSelected', { n: selected.length })}
            </Button>
            <Button type="primary" icon={<SwapOutlined />} onClick={() => void resolveSelected('take_incoming')}>
              {t('conflict.takeSelected', { n: selected.length })}
            </Button>
          </>
        )}
      </Space>
      {(batchId || (entityId && entityType !== 'all')) && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={batchId ? t('conflict.onlyBatch', { id: batchId }) : t('conflict.onlyRecord', { type: labels.entity(entityType), id: entityId ?? '' })}
          closable={{ onClose: () => setParams({}, { replace: true }) }}
        />
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<Conflict>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1100 }}
        data-testid="conflict-table"
        locale={{ emptyText: status === 'open' ? t('conflict.emptyOpen') : t('conflict.emptyResolved') }}
        rowSelection={canResolve && status === 'open' ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(Number)) } : undefined}
        columns={[
          {
            title: t('conflict.entity'),
            key: 'entity',
            width: 190,
            render: (_: unknown, c) => (
              <Space orientation="vertical" size={0}>
                {entityLink(c)}
                <span className="muted-level" style={{ marginInlineStart: 0 }}>
                  {labels.entity(c.entityType)}
                  {c.regionCode ? ` · ${c.regionCode}` : ''}
                </span>
              </Space>
            ),
          },
          { title: t('conflict.field'), dataIndex: 'field', width: 120, render: (f: string, c) => labels.field(kindOfEntity(c.entityType), f, c.fieldLabel ?? undefined) },
          {
            title: t('conflict.current'),
            key: 'current',
            render: (_: unknown, c) => (
              <Space orientation="vertical" size={2}>
                <strong className={c.resolution === 'take_incoming' ? 'conflict-loser' : undefined}>{c.currentShown ?? t('common.none')}</strong>
                <SourceLine src={c.currentSource} />
              </Space>
            ),
          },
          {
            title: t('conflict.incoming'),
            key: 'incoming',
            render: (_: unknown, c) => (
              <Space orientation="vertical" size={2}>
                <strong className={c.resolution === 'keep_current' ? 'conflict-loser' : undefined}>{c.incomingShown ?? t('common.none')}</strong>
                <SourceLine src={c.incomingSource} />
              </Space>
            ),
          },
          { title: t('conflict.createdAt'), dataIndex: 'createdAt', width: 160, render: (v: string | null) => formatTime(v, lang) },
          {
            title: status === 'open' ? t('common.actions') : t('conflict.resolution'),
            key: 'actions',
            width: 200,
            fixed: 'right',
            render: (_: unknown, c) =>
              status === 'open' ? (
                canResolve ? (
                  <Space size={4}>
                    <Button size="small" loading={busy.has(c.id)} onClick={() => void resolve(c, 'keep_current')} data-testid={`conflict-keep-${c.id}`}>
                      {t('conflict.keep')}
                    </Button>
                    <Button size="small" type="primary" loading={busy.has(c.id)} onClick={() => void resolve(c, 'take_incoming')} data-testid={`conflict-take-${c.id}`}>
                      {t('conflict.take')}
                    </Button>
                  </Space>
                ) : (
                  <span className="muted-level">{t('conflict.readOnly')}</span>
                )
              ) : (
                <Tag color={c.resolution === 'take_incoming' ? 'blue' : 'default'}>
                  {c.resolution === 'take_incoming' ? t('conflict.take') : c.resolution === 'keep_current' ? t('conflict.keep') : ''}
                </Tag>
              ),
          },
        ]}
        footer={() => (
          <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
        )}
      />
    </Card>
  );
}
