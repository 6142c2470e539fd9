/**
 * One modal for every workflow action, showing only the fields that action takes
 * (POST /api/tickets/:id/actions/:action). The ticket's version goes along, so an action on a
 * ticket someone else just changed is refused; then the page reloads the ticket.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Checkbox, Form, Input, InputNumber, Modal, Radio, Select, Space, Tag, Typography } from 'antd';
import { ApiError, errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n, type MessageKey } from '../../shared/i18n';
import { RATINGS, ticketsApi, type ActionBody, type TargetOption, type TicketAction, type TicketDetailDto } from '../../shared/tickets';
import { FormErrors, useFormShell } from '../components/formShell';
import { testIdProps } from '../people/bits';
import { useTicketLabels } from './labels';
import { PhotoUpload } from './PhotoUpload';
import { TicketPicker } from './TicketPicker';

type Field = 'dispatch' | 'target' | 'note' | 'photos' | 'days' | 'rating' | 'intoId' | 'leaderName';

interface Spec {
  fields: Field[];
  /** note required (a reason, what was done …) */
  noteRequired?: boolean;
  noteLabel?: MessageKey;
  notePlaceholder?: MessageKey;
}

const SPECS: Record<TicketAction, Spec> = {
  accept: { fields: ['dispatch'] },
  refuse: { fields: ['note'], noteRequired: true, noteLabel: 'ticket.act.reason' },
  dispatch: { fields: ['target', 'note'] },
  redispatch: { fields: ['target', 'note'], noteLabel: 'ticket.act.reason' },
  return: { fields: ['note'], noteRequired: true, noteLabel: 'ticket.act.reason' },
  start: { fields: [] },
  handle: { fields: ['note', 'photos'], noteRequired: true, noteLabel: 'ticket.act.handleNote', notePlaceholder: 'ticket.act.handleNotePlaceholder' },
  verify: { fields: ['note'] },
  reject_verification: { fields: ['note'], noteRequired: true, noteLabel: 'ticket.act.reason' },
  rate: { fields: ['rating', 'note'] },
  close: { fields: ['note'] },
  request_extension: { fields: ['days', 'note'], noteRequired: true, noteLabel: 'ticket.act.reason' },
  approve_extension: { fields: [] },
  reject_extension: { fields: ['note'], noteRequired: true, noteLabel: 'ticket.act.reason' },
  merge: { fields: ['intoId'] },
  escalate: { fields: ['note'], noteRequired: true, noteLabel: 'ticket.act.reason' },
  assign_leader: { fields: ['leaderName', 'note'] },
  supervise: { fields: ['note'], noteRequired: true },
};

interface Values {
  dispatch?: boolean;
  target?: string;
  note?: string;
  photos?: string[];
  days?: number;
  rating?: string;
  intoId?: number;
  leaderName?: string;
}

const FORM_FIELDS = ['dispatch', 'target', 'note', 'photos', 'days', 'rating', 'intoId', 'leaderName'] as const;

interface Props {
  ticket: TicketDetailDto;
  action: TicketAction | null;
  onClose: () => void;
  /** The ticket as the server returned it after the action. */
  onDone: (t: TicketDetailDto) => void;
  /** Someone acted meanwhile (409): reload. */
  onStale: () => void;
}

export function ActionModal({ ticket, action, onClose, onDone, onStale }: Props) {
  const { t } = useI18n();
  const labels = useTicketLabels();
  const { message } = App.useApp();
  const { user } = useAuth();
  const { form, busy, errors, reset, save } = useFormShell<Values>(FORM_FIELDS);
  // Grid workers dispatch by the catalogue only: they see where it goes but do not choose.
  const catalogueOnly = action === 'dispatch' && user?.role === 'grid_worker';
  const [targets, setTargets] = useState<TargetOption[] | null>(null);
  const [targetError, setTargetError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const spec = action ? SPECS[action] : null;
  const has = (f: Field) => !!spec?.fields.includes(f);
  const actionLabel = action ? labels.action(action) : '';

  useEffect(() => {
    if (!action) return;
    reset();
    form.setFieldsValue({ dispatch: true, days: 3, rating: 'satisfied', intoId: ticket.duplicates[0]?.id });
    setTargets(null);
    setTargetError(null);
    if (!SPECS[action].fields.includes('target')) return;
    let alive = true;
    ticketsApi
      .targets(ticket.id)
      .then((list) => {
        if (!alive) return;
        setTargets(list);
        // The catalogue's suggestion first; on a re-dispatch, not the unit that has it now.
        const suggested = list.findIndex((o) => o.byCatalogue && !(action === 'redispatch' && isCurrent(o)));
        if (suggested >= 0) form.setFieldsValue({ target: String(suggested) });
      })
      .catch((err: unknown) => alive && setTargetError(errorMessage(err)));
    return () => {
      alive = false;
    };

    function isCurrent(o: TargetOption) {
      const a = ticket.assignee;
      return !!a && a.tier === o.tier && a.regionCode === o.regionCode && (o.unitName ?? a.name) === a.name;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [action, ticket.id]);

  const targetOptions = useMemo(
    () =>
      (targets ?? []).map((o, i) => ({
        value: String(i),
        label: (
          <Space size={4}>
            <span>{o.name}</span>
            <Tag style={{ marginInlineEnd: 0 }}>{labels.tier(o.tier)}</Tag>
            {o.byCatalogue && <Tag color="red">{t('ticket.act.byCatalogue')}</Tag>}
          </Space>
        ),
        title: o.name,
      })),
    [targets, labels, t],
  );

  const submit = async () => {
    if (!action) return;
    const v = await form.validateFields();
    const body: ActionBody = { version: ticket.version };
    if (has('dispatch')) body.dispatch = !!v.dispatch;
    if (has('note') && v.note?.trim()) body.note = v.note.trim();
    if (has('photos') && v.photos?.length) body.photos = v.photos;
    if (has('days')) body.days = v.days;
    if (has('rating')) body.rating = v.rating as ActionBody['rating'];
    if (has('intoId')) body.intoId = v.intoId;
    if (has('leaderName')) body.leaderName = v.leaderName?.trim();
    if (has('target') && !catalogueOnly && v.target !== undefined) {
      const o = targets?.[Number(v.target)];
      if (o) body.target = { tier: o.tier, regionCode: o.regionCode, ...(o.unitName ? { unitName: o.unitName } : {}) };
    }
    await save(async () => {
      try {
        let r = await ticketsApi.act(ticket.id, action, body);
        // 受理并派单: until the server chains the dispatch itself (it ignores `dispatch` for now),
        // send it as a second step; once it does, the ticket comes back dispatched and this is skipped.
        if (action === 'accept' && body.dispatch && r.status === 'accepted' && r.actions.includes('dispatch')) {
          try {
            r = await ticketsApi.act(ticket.id, 'dispatch', { version: r.version });
          } catch (err) {
            message.warning(`${t('ticket.act.done', { action: actionLabel })}；${labels.action('dispatch')}：${errorMessage(err)}`);
            onDone(r);
            return;
          }
        }
        message.success(t('ticket.act.done', { action: actionLabel }));
        onDone(r);
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          onStale();
          // The page reloads the ticket now, so "reload and try again" is done already.
          if (err.code === 'ticket.stale') throw new Error(t('ticket.act.stale'));
        }
        throw err;
      }
    });
  };

  const noteRule = spec?.noteRequired ? [{ required: true, whitespace: true, message: t('common.required', { field: t(spec.noteLabel ?? 'ticket.act.note') }) }] : [];

  return (
    <Modal
      open={!!action}
      title={t('ticket.act.title', { action: actionLabel, no: ticket.no })}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      okText={actionLabel}
      okButtonProps={testIdProps('ticket-action-ok', { danger: action === 'refuse' || action === 'reject_verification', disabled: uploading })}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      width={action === 'merge' ? 600 : 520}
      data-testid="ticket-action-modal"
    >
      <FormErrors errors={errors} gap={12} />
      {spec && spec.fields.length === 0 && (
        <Typography.Paragraph>
          {action === 'approve_extension' && ticket.extensionRequestedDays
            ? t('ticket.act.extensionOf', { days: ticket.extensionRequestedDays })
            : t('ticket.act.confirm', { action: actionLabel })}
        </Typography.Paragraph>
      )}
      <Form<Values> form={form} layout="vertical">
        {has('dispatch') && (
          <Form.Item name="dispatch" valuePropName="checked">
            <Checkbox data-testid="ticket-accept-dispatch">{t('ticket.act.dispatchNow')}</Checkbox>
          </Form.Item>
        )}
        {has('target') && catalogueOnly && (
          <Form.Item label={t('ticket.act.target')}>
            {targets ? (
              <Space size={4}>
                <span>{targets[0]?.name}</span>
                <Tag color="red">{t('ticket.act.byCatalogue')}</Tag>
              </Space>
            ) : (
              <Typography.Text type="secondary">{targetError ?? t('ticket.act.targetsLoading')}</Typography.Text>
            )}
          </Form.Item>
        )}
        {has('target') && !catalogueOnly && (
          <Form.Item
            name="target"
            label={t('ticket.act.target')}
            rules={action === 'redispatch' ? [{ required: true, message: t('common.required', { field: t('ticket.act.target') }) }] : []}
          >
            {targetError ? (
              <Alert type="error" showIcon title={targetError} />
            ) : (
              <Select
                loading={!targets}
                placeholder={targets ? undefined : t('ticket.act.targetsLoading')}
                options={targetOptions}
                showSearch={{ optionFilterProp: 'title' }}
                data-testid="ticket-target"
              />
            )}
          </Form.Item>
        )}
        {has('days') && (
          <Form.Item name="days" label={t('ticket.act.days')} rules={[{ required: true, message: t('common.required', { field: t('ticket.act.days') }) }]}>
            <InputNumber min={1} max={60} precision={0} style={{ width: 160 }} />
          </Form.Item>
        )}
        {has('rating') && (
          <Form.Item name="rating" label={t('ticket.act.rating')} rules={[{ required: true }]}>
            <Radio.Group optionType="button" options={RATINGS.map((r) => ({ value: r, label: labels.rating(r) }))} />
          </Form.Item>
        )}
        {has('intoId') && (
          <Form.Item name="intoId" label={t('ticket.act.intoId')} extra={t('ticket.act.intoIdHint')} rules={[{ required: true, message: t('common.required', { field: t('ticket.act.intoId') }) }]}>
            <TicketPicker suggestions={ticket.duplicates} excludeId={ticket.id} data-testid="ticket-merge-into" />
          </Form.Item>
        )}
        {has('leaderName') && (
          <Form.Item name="leaderName" label={t('ticket.act.leaderName')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('ticket.act.leaderName') }) }]}>
            <Input maxLength={64} />
          </Form.Item>
        )}
        {has('note') && (
          <Form.Item name="note" label={t(spec?.noteLabel ?? 'ticket.act.note')} rules={noteRule}>
            <Input.TextArea rows={3} maxLength={2000} showCount placeholder={spec?.notePlaceholder ? t(spec.notePlaceholder) : undefined} data-testid="ticket-action-note" />
          </Form.Item>
        )}
        {has('photos') && (
          <Form.Item name="photos" label={t('ticket.act.photos')}>
            <PhotoUpload onBusyChange={setUploading} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
