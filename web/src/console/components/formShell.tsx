import { useCallback, useState } from 'react';
import { Alert, Form } from 'antd';
import { applyFieldErrors } from '../../shared/api';

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
