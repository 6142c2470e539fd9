import { useEffect } from 'react';
import { App, Form, Input } from 'antd';
import { regionsApi } from '../../shared/geo';
import { useT } from '../../shared/i18n';
import type { Region } from '../../shared/types';
import { FormModal, useFormShell } from '../components/formShell';

function parseGeometry(text: string | undefined): unknown {
  const s = text?.trim();
  if (!s) return undefined;
  const v = JSON.parse(s) as { type?: string; geometry?: unknown; features?: { geometry?: unknown }[] };
  if (v && v.type === 'Feature') return v.geometry;
  if (v && v.type === 'FeatureCollection') return v.features?.[0]?.geometry;
  return v;
}

interface AddValues {
  name: string;
  geometry?: string;
}

/** Add a grid under a community, or a micro-grid under a grid. */
export function AddRegionModal({
  parent,
  open,
  onClose,
  onCreated,
}: {
  parent: Region;
  open: boolean;
  onClose: () => void;
  onCreated: (r: Region) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const { form, busy, errors, reset, save } = useFormShell<AddValues>(['name', 'geometry']);
  const level = parent.level === 'grid' ? 'microgrid' : 'grid';

  useEffect(() => {
    if (open) {
      reset();
    }
  }, [open, form]);

  const submit = async () => {
    const v = await form.validateFields();
    let geometry: unknown;
    try {
      geometry = parseGeometry(v.geometry);
    } catch {
      form.setFields([{ name: 'geometry', errors: [t('region.geometryInvalid')] }]);
      return;
    }
    await save(async () => {
      const created = await regionsApi.create({
        parentCode: parent.code,
        name: v.name.trim(),
        level,
        ...(geometry !== undefined ? { geometry } : {}),
      });
      message.success(t('region.created', { name: created.name, code: created.code }));
      onCreated(created);
    });
  };

  return (
    <FormModal
      form={form}
      busy={busy}
      errors={errors}
      submit={submit}
      gap={16}
      open={open}
      title={`${level === 'grid' ? t('region.addGrid') : t('region.addMicrogrid')} · ${parent.name}`}
      okText={t('common.create')}
      onCancel={onClose}
      width={560}
    >
      <Form.Item
        name="name"
        label={t('region.name')}
        rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('region.name') }) }]}
      >
        <Input maxLength={64} data-testid="region-new-name" />
      </Form.Item>
      <Form.Item name="geometry" label={t('region.geometry')} extra={t('region.geometryHint')}>
        <Input.TextArea rows={5} spellCheck={false} style={{ fontFamily: 'monospace', fontSize: 12 }} />
      </Form.Item>
    </FormModal>
  );
}

interface RenameValues {
  name: string;
}

export function RenameRegionModal({
  region,
  open,
  onClose,
  onRenamed,
}: {
  region: Region;
  open: boolean;
  onClose: () => void;
  onRenamed: (r: Region) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const { form, busy, errors, setErrors, save } = useFormShell<RenameValues>(['name']);

  useEffect(() => {
    if (open) {
      form.setFieldsValue({ name: region.name });
      setErrors([]);
    }
  }, [open, region.name, form]);

  const submit = async () => {
    const v = await form.validateFields();
    await save(async () => {
      const updated = await regionsApi.update(region.code, { name: v.name.trim() });
      message.success(t('region.renamed', { name: updated.name }));
      onRenamed(updated);
    });
  };

  return (
    <FormModal
      form={form}
      busy={busy}
      errors={errors}
      submit={submit}
      gap={16}
      formProps={{ onFinish: () => void submit() }}
      open={open}
      title={t('region.renameTitle', { name: region.name })}
      onCancel={onClose}
    >
      <Form.Item
        name="name"
        label={t('region.newName')}
        rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('region.name') }) }]}
      >
        <Input maxLength={64} data-testid="region-rename-input" />
      </Form.Item>
    </FormModal>
  );
}
