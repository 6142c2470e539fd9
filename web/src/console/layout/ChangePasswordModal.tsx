import { useState } from 'react';
import { App, Form, Input } from 'antd';
import { ApiError, applyFieldErrors } from '../../shared/api';
import { authApi } from '../../shared/endpoints';
import { useT } from '../../shared/i18n';
import { FormModal } from '../components/formShell';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setErrors([]);
    try {
      await authApi.changePassword(v.currentPassword, v.newPassword);
      message.success(t('password.changed'));
      form.resetFields();
      onClose();
    } catch (err) {
      if (err instanceof ApiError && !err.problem.errors?.length) {
        // Codes without field errors still belong to one field.
        if (err.code === 'auth.wrong_password') {
          form.setFields([{ name: 'currentPassword', errors: [err.display] }]);
          return;
        }
        if (err.code === 'auth.weak_password') {
          form.setFields([{ name: 'newPassword', errors: [err.display] }]);
          return;
        }
      }
      setErrors(applyFieldErrors(form, err, ['currentPassword', 'newPassword']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormModal
      form={form}
      busy={busy}
      errors={errors}
      submit={submit}
      gap={16}
      formProps={{ requiredMark: 'optional', onFinish: () => void submit() }}
      open={open}
      title={t('password.title')}
      onCancel={() => {
        form.resetFields();
        setErrors([]);
        onClose();
      }}
    >
      <Form.Item
        name="currentPassword"
        label={t('password.current')}
        rules={[{ required: true, message: t('common.required', { field: t('password.current') }) }]}
      >
        <Input.Password autoComplete="current-password" data-testid="pw-current" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('password.new')}
        extra={t('password.hint')}
        rules={[{ required: true, message: t('common.required', { field: t('password.new') }) }]}
      >
        <Input.Password autoComplete="new-password" data-testid="pw-new" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('common.required', { field: t('password.confirm') }) },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || getFieldValue('newPassword') === value
                ? Promise.resolve()
                : Promise.reject(new Error(t('password.mismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="pw-confirm" />
      </Form.Item>
      <button type="submit" hidden />
    </FormModal>
  );
}
