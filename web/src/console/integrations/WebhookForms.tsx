/** The webhook modals: register or edit an endpoint; the signing secret with the receivers' recipe. */
import { useEffect } from 'react';
import { App, Checkbox, Form, Input, Switch, Typography } from 'antd';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import {
  API_DOCS_WEBHOOKS,
  WEBHOOK_DOCS_PATH,
  WEBHOOK_EVENTS,
  webhooksApi,
  type UpdateWebhookBody,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
  type WebhookEvent,
} from '../../shared/integrations';
import { FormModal, useFormShell } from '../components/formShell';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { useIntegrationLabels } from './labels';
import { OnceSecretModal } from './OnceSecretModal';

interface Values {
  url: string;
  description?: string;
  events: WebhookEvent[];
  regionCode?: string | null;
  active: boolean;
}

const FIELDS = ['url', 'description', 'events', 'regionCode', 'active'] as const;

export function WebhookModal({
  editing,
  onClose,
  onSaved,
}: {
  /** 'new', an endpoint to edit, or null (closed) */
  editing: WebhookEndpoint | 'new' | null;
  onClose: () => void;
  onSaved: (e: WebhookEndpointWithSecret, created: boolean) => void;
}) {
  const { t } = useI18n();
  const labels = useIntegrationLabels();
  const { user } = useAuth();
  const { message } = App.useApp();
  const { form, busy, errors, reset, save } = useFormShell<Values>(FIELDS);
  const isNew = editing === 'new';

  useEffect(() => {
    if (!editing) return;
    reset();
    form.setFieldsValue(
      editing === 'new'
        ? { events: [...WEBHOOK_EVENTS], regionCode: user?.scope?.code ?? null, active: true }
        : { url: editing.url, description: editing.description ?? undefined, events: editing.events, regionCode: editing.regionCode, active: editing.active },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editing]);

  const submit = async () => {
    const v = await form.validateFields();
    await save(async () => {
      if (editing === 'new') {
        const e = await webhooksApi.create({
          url: v.url.trim(),
          events: v.events,
          regionCode: v.regionCode || undefined,
          description: v.description?.trim() || undefined,
          active: v.active,
        });
        message.success(t('integ.wh.created'));
        onSaved(e, true);
        return;
      }
      if (!editing) return;
      // PATCH what changed only.
      const body: UpdateWebhookBody = {};
      if (v.url.trim() !== editing.url) body.url = v.url.trim();
      const desc = v.description?.trim() || null;
      if (desc !== editing.description) body.description = desc;
      if ([...v.events].sort().join() !== [...editing.events].sort().join()) body.events = v.events;
      if (v.regionCode && v.regionCode !== editing.regionCode) body.regionCode = v.regionCode;
      if (v.active !== editing.active) body.active = v.active;
      const e = Object.keys(body).length ? await webhooksApi.update(editing.id, body) : editing;
      message.success(t('common.saved'));
      onSaved(e, false);
    });
  };

  return (
    <FormModal
      form={form}
      busy={busy}
      errors={errors}
      submit={submit}
      open={!!editing}
      title={isNew ? t('integ.wh.add') : t('integ.wh.edit')}
      onCancel={onClose}
      width={600}
      data-testid="webhook-modal"
    >
      <Form.Item
        name="url"
        label={t('integ.wh.url')}
        extra={t('integ.wh.urlHint')}
        rules={[
          { required: true, whitespace: true, message: t('common.required', { field: t('integ.wh.url') }) },
          { pattern: /^\s*https?:\/\/\S+\s*$/i, message: t('integ.wh.urlInvalid') },
        ]}
      >
        <Input maxLength={2048} placeholder="https://12345.example.gov.cn/gridwork/events" className="mono" data-testid="webhook-url" />
      </Form.Item>
      <Form.Item name="events" label={t('integ.wh.events')} rules={[{ required: true, type: 'array', min: 1, message: t('common.required', { field: t('integ.wh.events') }) }]}>
        <Checkbox.Group
          options={WEBHOOK_EVENTS.map((e) => ({
            value: e,
            label: (
              <span>
                {labels.event(e)} <span className="muted-level mono">{e}</span>
              </span>
            ),
          }))}
          data-testid="webhook-events"
        />
      </Form.Item>
      <Form.Item name="regionCode" label={t('integ.wh.region')} extra={t('integ.wh.regionHint')}>
        <RegionTreeSelect allowClear={false} data-testid="webhook-region" />
      </Form.Item>
      <Form.Item name="description" label={t('integ.wh.description')}>
        <Input maxLength={200} placeholder={t('integ.wh.descriptionPlaceholder')} data-testid="webhook-description" />
      </Form.Item>
      <Form.Item name="active" label={t('integ.wh.active')} valuePropName="checked">
        <Switch data-testid="webhook-active" />
      </Form.Item>
    </FormModal>
  );
}

/** The signing secret, shown once after creating an endpoint or rotating its secret, with the recipe. */
export function WebhookSecretModal({ endpoint, onClose }: { endpoint: WebhookEndpointWithSecret | null; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <OnceSecretModal
      secret={endpoint?.secret ?? null}
      title={`${t('integ.wh.secretTitle')} · ${endpoint?.url ?? ''}`}
      intro={t('integ.wh.secretIntro')}
      onClose={onClose}
      testId="webhook-secret"
    >
      <Typography.Text strong>{t('integ.wh.recipeTitle')}</Typography.Text>
      <ol className="integ-recipe">
        <li>{t('integ.wh.recipe1')}</li>
        <li>{t('integ.wh.recipe2')}</li>
        <li>{t('integ.wh.recipe3')}</li>
        <li>{t('integ.wh.recipe4')}</li>
        <li>{t('integ.wh.recipe5')}</li>
      </ol>
      <pre className="json-block integ-sample">{`Gridwork-Signature: t=1795329612,v1=<hex>
expected = HMAC_SHA256(secret, t + "." + rawBody)`}</pre>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('integ.wh.docsLink', { path: WEBHOOK_DOCS_PATH })}
        {' · '}
        <a href={API_DOCS_WEBHOOKS} target="_blank" rel="noreferrer" data-testid="webhook-docs-link">
          {t('integ.wh.apiDocs')}
        </a>
      </Typography.Paragraph>
    </OnceSecretModal>
  );
}
