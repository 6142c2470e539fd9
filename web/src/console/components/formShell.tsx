import { useCallback, useState, type ReactNode } from 'react';
import { Alert, Form, Modal, type FormInstance, type FormProps, type ModalProps } from 'antd';
import { applyFieldErrors } from '../../shared/api';
import { useT } from '../../shared/i18n';

/**
 * State shared by the console's modal and drawer forms: the form, a busy flag and the errors the
 * server sent back that belong to no field. `reset()` clears the form and its errors (when it
 * opens); `save(action)` runs `action` with busy on and, when it throws, marks the failing
 * `fields` and keeps the rest for <FormErrors>.
 */
export function useFormShell<V>(fields: readonly string[]) {
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);

  const reset = useCallback(() => {
    setErrors([]);
    form.resetFields();
  }, [form]);

  const save = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setErrors([]);
    try {
      await action();
    } catch (err) {
      setErrors(applyFieldErrors(form, err, fields));
    } finally {
      setBusy(false);
    }
  };

  return { form, busy, errors, setErrors, reset, save };
}

/** The errors of a form that belong to no field, above the form. */
export function FormErrors({ errors, gap }: { errors: string[]; gap: 12 | 16 }) {
  return errors.length > 0 ? <Alert type="error" showIcon title={errors.join('；')} style={{ marginBottom: gap }} /> : null;
}

/**
 * A console form in a modal: OK runs `submit` (a failed validation just stays open), busy while
 * it saves, the errors that belong to no field above a vertical form. Save / cancel labels and
 * destroy-on-close by default; any other Modal prop passes through.
 */
export function FormModal<V>({
  form,
  busy,
  errors,
  submit,
  gap = 12,
  formProps,
  children,
  ...modal
}: Omit<ModalProps, 'onOk' | 'confirmLoading' | 'children'> & {
  form: FormInstance<V>;
  busy: boolean;
  errors: string[];
  submit: () => Promise<unknown>;
  gap?: 12 | 16;
  formProps?: Omit<FormProps<V>, 'form' | 'layout'>;
  children: ReactNode;
  'data-testid'?: string;
}) {
  const t = useT();
  return (
    <Modal okText={t('common.save')} cancelText={t('common.cancel')} destroyOnHidden {...modal} confirmLoading={busy} onOk={() => void submit().catch(() => undefined)}>
      <FormErrors errors={errors} gap={gap} />
      <Form<V> form={form} layout="vertical" {...formProps}>
        {children}
      </Form>
    </Modal>
  );
}
