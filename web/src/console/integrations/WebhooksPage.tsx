/**
 * Webhook 推送: the endpoints in the administrator's area with their events, region, state and
 * last delivery; register (the secret is shown once), edit, enable/disable, rotate the secret,
 * delete; the delivery log of each in a drawer (?deliveries=<id> opens it directly).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, App, Button, Card, Dropdown, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, HistoryOutlined, KeyOutlined, MoreOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import { API_DOCS_WEBHOOKS, webhooksApi, type WebhookDelivery, type WebhookEndpoint, type WebhookEndpointWithSecret } from '../../shared/integrations';
import { formatTime } from '../labels';
import { DeliveriesDrawer, DeliveryStatusTag } from './DeliveriesDrawer';
import { useIntegrationLabels } from './labels';
import { useRegionNames } from './useRegionNames';
import { WebhookModal, WebhookSecretModal } from './WebhookForms';
import './integrations.css';

/** The newest delivery of each endpoint: undefined while loading, null when there is none. */
type LastMap = Record<number, WebhookDelivery | null | undefined>;

function withoutSecret(e: WebhookEndpointWithSecret): WebhookEndpoint {
  const copy = { ...e };
  delete copy.secret;
  return copy;
}

export default function WebhooksPage() {
  const { t, lang } = useI18n();
  const labels = useIntegrationLabels();
  const { message, modal } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [list, setList] = useState<WebhookEndpoint[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [last, setLast] = useState<LastMap>({});
  const [editing, setEditing] = useState<WebhookEndpoint | 'new' | null>(null);
  const [secretOf, setSecretOf] = useState<WebhookEndpointWithSecret | null>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const names = useRegionNames(useMemo(() => (list ?? []).map((e) => e.regionCode), [list]));

  const drawerId = Number(params.get('deliveries')) || null;
  const drawerEndpoint = (drawerId && list?.find((e) => e.id === drawerId)) || null;
  const openDeliveries = (id: number | null) => setParams(id ? { deliveries: String(id) } : {}, { replace: true });

  // The list has no delivery state: read each endpoint's newest delivery (one small request each).
  const loadLast = useCallback((endpoints: WebhookEndpoint[]) => {
    for (const e of endpoints) {
      webhooksApi
        .deliveries(e.id, { limit: 1 })
        .then((p) => setLast((m) => ({ ...m, [e.id]: p.items[0] ?? null })))
        .catch(() => setLast((m) => ({ ...m, [e.id]: null })));
    }
  }, []);

  const load = useCallback(() => {
    const ctl = new AbortController();
    webhooksApi
      .list(ctl.signal)
      .then((l) => {
        setList(l);
        setError(null);
        loadLast(l);
      })
      .catch((err: unknown) => {
        if (!(err instanceof DOMException && err.name === 'AbortError')) setError(errorMessage(err));
      });
    return ctl;
  }, [loadLast]);

  useEffect(() => {
    const ctl = load();
    return () => ctl.abort();
  }, [load]);

  /** Put a changed endpoint in its place (never keeping a secret in the list). */
  const replace = (e: WebhookEndpointWithSecret) => setList((l) => (l ?? []).map((x) => (x.id === e.id ? withoutSecret(e) : x)));

  const setActive = async (e: WebhookEndpoint, active: boolean) => {
    setBusyId(e.id);
    try {
      replace(await webhooksApi.update(e.id, { active }));
      message.success(active ? t('integ.wh.enabledMsg') : t('integ.wh.disabledMsg'));
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusyId(null);
    }
  };

  const rotate = (e: WebhookEndpoint) =>
    modal.confirm({
      title: t('integ.wh.rotate'),
      content: t('integ.wh.rotateConfirm'),
      okText: t('common.ok'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          const next = await webhooksApi.rotateSecret(e.id);
          replace(next);
          message.success(t('integ.wh.rotated'));
          setSecretOf(next);
        } catch (err) {
          message.error(errorMessage(err));
        }
      },
    });

  const remove = (e: WebhookEndpoint) =>
    modal.confirm({
      title: t('integ.wh.delete'),
      content: t('integ.wh.deleteConfirm', { url: e.url }),
      okText: t('integ.wh.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await webhooksApi.remove(e.id);
          setList((l) => (l ?? []).filter((x) => x.id !== e.id));
          if (drawerId === e.id) openDeliveries(null);
          message.success(t('integ.wh.deleted'));
        } catch (err) {
          message.error(errorMessage(err));
        }
      },
    });

  return (
    <Card
      size="small"
      title={t('integ.wh.title')}
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void load()} data-testid="webhooks-refresh">
            {t('common.refresh')}
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="webhook-create">
            {t('integ.wh.add')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        {t('integ.wh.hint')}{' '}
        <a href={API_DOCS_WEBHOOKS} target="_blank" rel="noreferrer">
          {t('integ.wh.apiDocs')}
        </a>
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<WebhookEndpoint>
        size="small"
        rowKey="id"
        loading={!list && !error}
        dataSource={list ?? []}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{ emptyText: t('integ.wh.empty') }}
        data-testid="webhook-table"
        columns={[
          {
            title: t('integ.wh.url'),
            key: 'url',
            render: (_: unknown, e) => (
              <div>
                <Typography.Text className="mono" copyable={{ text: e.url }} style={{ wordBreak: 'break-all' }}>
                  {e.url}
                </Typography.Text>
                <div className="muted-level" style={{ marginInlineStart: 0 }}>
                  {e.description ? `${e.description} · ` : ''}
                  <span className="mono">{t('integ.wh.secretHint', { hint: e.secretHint })}</span>
                </div>
              </div>
            ),
          },
          {
            title: t('integ.wh.events'),
            dataIndex: 'events',
            width: 220,
            render: (events: string[]) => (
              <Space size={[0, 4]} wrap>
                {events.map((ev) => (
                  <Tooltip key={ev} title={ev}>
                    <Tag>{labels.event(ev)}</Tag>
                  </Tooltip>
                ))}
              </Space>
            ),
          },
          {
            title: t('integ.wh.region'),
            dataIndex: 'regionCode',
            width: 150,
            render: (c: string) => (
              <Tooltip title={c}>
                <span>{names[c] ?? c}</span>
              </Tooltip>
            ),
          },
          {
            title: t('integ.wh.status'),
            key: 'active',
            width: 110,
            render: (_: unknown, e) => (
              <Switch
                size="small"
                checked={e.active}
                loading={busyId === e.id}
                onChange={(v) => void setActive(e, v)}
                checkedChildren={t('integ.wh.enabled')}
                unCheckedChildren={t('integ.wh.disabled')}
                data-testid={`webhook-active-${e.id}`}
              />
            ),
          },
          {
            title: t('integ.wh.lastDelivery'),
            key: 'last',
            width: 190,
            render: (_: unknown, e) => {
              const d = last[e.id];
              if (d === undefined) return <Typography.Text type="secondary">…</Typography.Text>;
              if (d === null) return <Typography.Text type="secondary">{t('integ.wh.noDelivery')}</Typography.Text>;
              return (
                <a onClick={() => openDeliveries(e.id)} data-testid={`webhook-last-${e.id}`}>
                  <Space size={4} orientation="vertical">
                    <Space size={4}>
                      <DeliveryStatusTag d={d} />
                      {d.lastStatusCode !== null && <span className="mono">{d.lastStatusCode}</span>}
                    </Space>
                    <span className="muted-level" style={{ marginInlineStart: 0 }}>
                      {formatTime(d.deliveredAt ?? d.createdAt, lang)}
                    </span>
                  </Space>
                </a>
              );
            },
          },
          {
            title: t('common.actions'),
            key: 'a',
            width: 210,
            fixed: 'right',
            render: (_: unknown, e) => (
              <Space size={4}>
                <Button size="small" icon={<HistoryOutlined />} onClick={() => openDeliveries(e.id)} data-testid={`webhook-deliveries-${e.id}`}>
                  {t('integ.wh.deliveries')}
                </Button>
                <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(e)} aria-label={t('common.edit')} data-testid={`webhook-edit-${e.id}`} />
                <Dropdown
                  trigger={['click']}
                  menu={{
                    items: [
                      { key: 'rotate', icon: <KeyOutlined />, label: <span data-testid={`webhook-rotate-${e.id}`}>{t('integ.wh.rotate')}</span>, onClick: () => rotate(e) },
                      { type: 'divider' },
                      { key: 'delete', danger: true, icon: <DeleteOutlined />, label: <span data-testid={`webhook-delete-${e.id}`}>{t('integ.wh.delete')}</span>, onClick: () => remove(e) },
                    ],
                  }}
                >
                  <Button size="small" icon={<MoreOutlined />} aria-label={t('integ.wh.more')} data-testid={`webhook-more-${e.id}`} />
                </Dropdown>
              </Space>
            ),
          },
        ]}
      />
      <WebhookModal
        editing={editing}
        onClose={() => setEditing(null)}
        onSaved={(e, created) => {
          setEditing(null);
          if (created) {
            setList((l) => [...(l ?? []), withoutSecret(e)]);
            setLast((m) => ({ ...m, [e.id]: null }));
            setSecretOf(e);
          } else {
            replace(e);
          }
        }}
      />
      <WebhookSecretModal endpoint={secretOf} onClose={() => setSecretOf(null)} />
      <DeliveriesDrawer
        endpoint={drawerEndpoint}
        onClose={() => openDeliveries(null)}
        onChanged={(d) => drawerEndpoint && setLast((m) => ({ ...m, [drawerEndpoint.id]: d }))}
      />
    </Card>
  );
}
