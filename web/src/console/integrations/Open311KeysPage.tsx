/**
 * Open311 接入密钥: the keys issued to external systems in the administrator's area; issue one
 * (the key is shown once) and revoke one (with confirmation; it stops working at once).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Form, Input, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { PlusOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { API_DOCS_OPEN311, open311KeysApi, type ApiKey, type CreatedApiKey } from '../../shared/integrations';
import { FormModal, useFormShell } from '../components/formShell';
import { formatTime } from '../labels';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { OnceSecretModal } from './OnceSecretModal';
import './integrations.css';

interface Values {
  name: string;
  regionCode: string;
}

const FIELDS = ['name', 'regionCode'] as const;

function IssueKeyModal({ open, onClose, onIssued }: { open: boolean; onClose: () => void; onIssued: (k: CreatedApiKey) => void }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const { form, busy, errors, reset, save } = useFormShell<Values>(FIELDS);

  useEffect(() => {
    if (!open) return;
    reset();
    if (user?.scope) form.setFieldsValue({ regionCode: user.scope.code });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const submit = async () => {
    const v = await form.validateFields();
    await save(async () => onIssued(await open311KeysApi.create({ name: v.name.trim(), regionCode: v.regionCode })));
  };

  return (
    <FormModal
      form={form}
      busy={busy}
      errors={errors}
      submit={submit}
      open={open}
      title={t('integ.key.add')}
      onCancel={onClose}
      okText={t('integ.key.add')}
      data-testid="apikey-modal"
    >
      <Form.Item name="name" label={t('integ.key.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('integ.key.name') }) }]}>
        <Input maxLength={64} placeholder={t('integ.key.namePlaceholder')} data-testid="apikey-name" />
      </Form.Item>
      <Form.Item
        name="regionCode"
        label={t('integ.key.region')}
        extra={t('integ.key.regionHint')}
        rules={[{ required: true, message: t('common.required', { field: t('integ.key.region') }) }]}
      >
        <RegionTreeSelect allowClear={false} selectableLevels={['city', 'district', 'street', 'community', 'grid']} data-testid="apikey-region" />
      </Form.Item>
    </FormModal>
  );
}

export default function Open311KeysPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [issuing, setIssuing] = useState(false);
  const [issued, setIssued] = useState<CreatedApiKey | null>(null);
  const [showRevoked, setShowRevoked] = useState(true);

  const load = useCallback(() => {
    const ctl = new AbortController();
    open311KeysApi
      .list(ctl.signal)
      .then((k) => {
        setKeys(k);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!(err instanceof DOMException && err.name === 'AbortError')) setError(errorMessage(err));
      });
    return ctl;
  }, []);

  useEffect(() => {
    const ctl = load();
    return () => ctl.abort();
  }, [load]);

  // Active keys first, newest first within each.
  const shown = useMemo(
    () =>
      (keys ?? [])
        .filter((k) => showRevoked || k.active)
        .sort((a, b) => Number(b.active) - Number(a.active) || b.createdAt.localeCompare(a.createdAt) || b.id - a.id),
    [keys, showRevoked],
  );
  const revokedCount = (keys ?? []).filter((k) => !k.active).length;

  const revoke = async (k: ApiKey) => {
    try {
      const next = await open311KeysApi.revoke(k.id);
      setKeys((list) => (list ?? []).map((x) => (x.id === next.id ? next : x)));
      message.success(t('integ.key.revoked'));
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  return (
    <Card
      size="small"
      title={t('integ.key.title')}
      extra={
        <Space>
          {revokedCount > 0 && (
            <Checkbox checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} data-testid="apikey-show-revoked">
              {t('integ.key.showRevoked')}
            </Checkbox>
          )}
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            {t('common.refresh')}
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setIssuing(true)} data-testid="apikey-create">
            {t('integ.key.add')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        {t('integ.key.hint')}{' '}
        <a href={API_DOCS_OPEN311} target="_blank" rel="noreferrer">
          {t('integ.wh.apiDocs')}
        </a>
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<ApiKey>
        size="small"
        rowKey="id"
        loading={!keys && !error}
        dataSource={shown}
        pagination={shown.length > 100 ? { pageSize: 100, showSizeChanger: false } : false}
        scroll={{ x: 900 }}
        locale={{ emptyText: t('integ.key.empty') }}
        data-testid="apikey-table"
        rowClassName={(k) => (k.active ? '' : 'integ-row-revoked')}
        columns={[
          { title: t('integ.key.name'), dataIndex: 'name', render: (v: string, k) => (k.active ? v : <Typography.Text delete>{v}</Typography.Text>) },
          { title: t('integ.key.prefix'), dataIndex: 'keyPrefix', width: 130, render: (v: string) => <span className="mono">{v}…</span> },
          {
            title: t('integ.key.region'),
            dataIndex: 'regionName',
            width: 150,
            render: (v: string, k) => (
              <Tooltip title={k.regionCode}>
                <span>{v}</span>
              </Tooltip>
            ),
          },
          {
            title: t('integ.key.status'),
            key: 'status',
            width: 190,
            render: (_: unknown, k) =>
              k.active ? (
                <Tag color="green">{t('integ.key.active')}</Tag>
              ) : (
                <Tag data-testid={`apikey-revoked-${k.id}`}>{t('integ.key.revokedAt', { time: formatTime(k.revokedAt, lang) })}</Tag>
              ),
          },
          { title: t('integ.key.created'), dataIndex: 'createdAt', width: 165, render: (v: string) => formatTime(v, lang) },
          {
            title: t('integ.key.lastUsed'),
            dataIndex: 'lastUsedAt',
            width: 165,
            render: (v: string | null) => (v ? formatTime(v, lang) : <Typography.Text type="secondary">{t('integ.key.neverUsed')}</Typography.Text>),
          },
          {
            title: t('common.actions'),
            key: 'a',
            width: 90,
            render: (_: unknown, k) =>
              k.active ? (
                <Popconfirm
                  title={t('integ.key.revoke')}
                  description={<div style={{ maxWidth: 280 }}>{t('integ.key.revokeConfirm', { name: k.name })}</div>}
                  onConfirm={() => revoke(k)}
                  okText={t('integ.key.revoke')}
                  okButtonProps={{ danger: true }}
                  cancelText={t('common.cancel')}
                >
                  <Button size="small" danger icon={<StopOutlined />} data-testid={`apikey-revoke-${k.id}`}>
                    {t('integ.key.revoke')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      <IssueKeyModal
        open={issuing}
        onClose={() => setIssuing(false)}
        onIssued={(k) => {
          setIssuing(false);
          const { key: _secret, ...row } = k;
          void _secret;
          setKeys((list) => [row, ...(list ?? [])]);
          setIssued(k);
          message.success(t('integ.key.issued'));
        }}
      />
      <OnceSecretModal
        secret={issued?.key ?? null}
        title={`${t('integ.key.secretTitle')} · ${issued?.name ?? ''}`}
        intro={t('integ.key.secretIntro', { name: issued?.name ?? '' })}
        onClose={() => setIssued(null)}
        testId="apikey-secret"
      >
        <Typography.Paragraph type="secondary" className="mono" style={{ marginBottom: 0, fontSize: 12 }}>
          {t('integ.key.usage')}
        </Typography.Paragraph>
      </OnceSecretModal>
    </Card>
  );
}
