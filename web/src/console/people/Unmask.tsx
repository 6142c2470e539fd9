import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Form, Input, Modal, Space, Tag, Tooltip, Typography } from 'antd';
import { EyeInvisibleOutlined, EyeOutlined } from '@ant-design/icons';
import { applyFieldErrors } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import { peopleApi } from '../../shared/registry';
import { testIdProps } from './bits';
import { FormErrors } from '../components/formShell';

const SHOW_SECONDS = 30;

/**
 * A masked ID number or phone with a 👁 button (only when the role may unmask): asks for a reason
 * (audited), shows the full value for 30 seconds, then masks it again.
 */
export function UnmaskableValue({
  personId,
  field,
  masked,
  canUnmask,
}: {
  personId: number;
  field: 'idNumber' | 'phone';
  masked: string | null;
  canUnmask: boolean;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const [left, setLeft] = useState(0);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);

  useEffect(() => () => void (timer.current && clearInterval(timer.current)), []);
  // Another person (navigation) or field: forget what was shown.
  useEffect(() => {
    setShown(null);
    if (timer.current) clearInterval(timer.current);
  }, [personId, masked]);

  const reveal = (value: string) => {
    setShown(value);
    setLeft(SHOW_SECONDS);
    if (timer.current) clearInterval(timer.current);
    timer.current = setInterval(() => {
      setLeft((s) => {
        if (s <= 1) {
          if (timer.current) clearInterval(timer.current);
          setShown(null);
          return 0;
        }
        return s - 1;
      });
    }, 1000);
  };

  const hide = () => {
    if (timer.current) clearInterval(timer.current);
    setShown(null);
  };

  if (!masked) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  return (
    <span className="masked-value">
      {shown ? (
        <>
          <Typography.Text className="mono unmasked-value" copyable={{ text: shown }} data-testid={`unmasked-${field}`}>
            {shown}
          </Typography.Text>
          <Tag>{t('unmask.hidesIn', { s: left })}</Tag>
          <Tooltip title={t('unmask.hideNow')}>
            <Button size="small" type="text" icon={<EyeInvisibleOutlined />} onClick={hide} aria-label={t('unmask.hideNow')} />
          </Tooltip>
        </>
      ) : (
        <>
          <span className="mono" data-testid={`masked-${field}`}>
            {masked}
          </span>
          {canUnmask && (
            <Tooltip title={t('unmask.button')}>
              <Button
                size="small"
                type="text"
                icon={<EyeOutlined />}
                onClick={() => setOpen(true)}
                aria-label={t('unmask.button')}
                data-testid={`unmask-${field}`}
              />
            </Tooltip>
          )}
        </>
      )}
      <UnmaskDialog
        open={open}
        personId={personId}
        field={field}
        onClose={() => setOpen(false)}
        onValue={(v) => {
          setOpen(false);
          if (v) reveal(v);
        }}
      />
    </span>
  );
}

const REASONS = ['unmask.reasonVisit', 'unmask.reasonContact', 'unmask.reasonService', 'unmask.reasonVerify'] as const;

function UnmaskDialog({
  open,
  personId,
  field,
  onClose,
  onValue,
}: {
  open: boolean;
  personId: number;
  field: 'idNumber' | 'phone';
  onClose: () => void;
  onValue: (v: string | null) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);

  useEffect(() => {
    if (open) {
      form.resetFields();
      setErrors([]);
    }
  }, [open, form]);

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setErrors([]);
    try {
      const r = await peopleApi.unmask(personId, field, v.reason.trim());
      onValue(r.value);
    } catch (err) {
      setErrors(applyFieldErrors(form, err, ['reason']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={field === 'idNumber' ? t('unmask.titleId') : t('unmask.titlePhone')}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      okText={t('unmask.ok')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={testIdProps('unmask-ok')}
    >
      <Alert type="info" showIcon title={t('unmask.audited')} style={{ marginBottom: 12 }} />
      <FormErrors errors={errors} gap={12} />
      <Form form={form} layout="vertical" onFinish={() => void submit()}>
        <Form.Item
          name="reason"
          label={t('unmask.reason')}
          rules={[
            { required: true, whitespace: true, message: t('unmask.reasonRequired') },
            { min: 2, message: t('unmask.reasonShort') },
          ]}
        >
          <Input.TextArea rows={2} maxLength={200} showCount autoFocus data-testid="unmask-reason" />
        </Form.Item>
        <Space size={[4, 4]} wrap>
          <Typography.Text type="secondary">{t('unmask.quick')}</Typography.Text>
          {REASONS.map((k) => (
            <Tag.CheckableTag key={k} checked={false} onChange={() => form.setFieldsValue({ reason: t(k) })}>
              {t(k)}
            </Tag.CheckableTag>
          ))}
        </Space>
      </Form>
    </Modal>
  );
}
