import { useEffect, useState } from 'react';
import { Alert, App, Button, Col, Drawer, Form, Input, Popconfirm, Row, Space } from 'antd';
import { ApiError, applyFieldErrors } from '../../shared/api';
import { checkCitizenId, isPhone, normaliseCitizenId, normalisePhone } from '../../shared/identity';
import { useI18n } from '../../shared/i18n';
import { peopleApi, type PersonDetail, type PersonInput, type PoliticalStatus } from '../../shared/registry';
import { EthnicityInput, IdDerived, PoliticalSelect, TagSelect, useIdRule } from './fields';

interface Values {
  name: string;
  idNumber?: string;
  phone?: string;
  politicalStatus: PoliticalStatus;
  ethnicity?: string | null;
  registeredAddress?: string | null;
  tags: string[];
}

const FIELDS = ['name', 'idNumber', 'phone', 'politicalStatus', 'ethnicity', 'registeredAddress', 'tags', 'sex', 'birthDate'] as const;

const sameTags = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Edit a person (PATCH with expectedVersion). Only changed fields are sent. When someone else
 * saved in between (409 person.version_conflict) the latest record is loaded, the fields they
 * changed are named, and what this user typed stays in the form to save again.
 */
export function PersonEditDrawer({
  person,
  open,
  onClose,
  onSaved,
  onReloaded,
}: {
  person: PersonDetail;
  open: boolean;
  onClose: () => void;
  onSaved: (p: PersonDetail) => void;
  onReloaded: (p: PersonDetail) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const idRule = useIdRule(true);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [conflict, setConflict] = useState<{ theirs: string[]; both: string[] } | null>(null);
  const [base, setBase] = useState<PersonDetail>(person);
  const idValue = Form.useWatch('idNumber', form);

  useEffect(() => {
    if (!open) return;
    setBase(person);
    setErrors([]);
    setConflict(null);
    form.resetFields();
    form.setFieldsValue({
      name: person.name,
      idNumber: '',
      phone: '',
      politicalStatus: person.politicalStatus as PoliticalStatus,
      ethnicity: person.ethnicity ?? '',
      registeredAddress: person.registeredAddress ?? '',
      tags: person.tags,
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, person.id]);

  const changes = (v: Values, from: PersonDetail): PersonInput => {
    const out: PersonInput = {};
    if (v.name.trim() !== from.name) out.name = v.name.trim();
    if (v.idNumber?.trim()) out.idNumber = checkCitizenId(v.idNumber).id;
    if (v.phone?.trim()) out.phone = normalisePhone(v.phone);
    const eth = v.ethnicity?.trim() || null;
    if (eth !== (from.ethnicity ?? null)) out.ethnicity = eth;
    const reg = v.registeredAddress?.trim() || null;
    if (reg !== (from.registeredAddress ?? null)) out.registeredAddress = reg;
    if (v.politicalStatus !== from.politicalStatus) out.politicalStatus = v.politicalStatus;
    if (!sameTags(v.tags ?? [], from.tags)) out.tags = v.tags ?? [];
    return out;
  };

  const submit = async () => {
    const v = await form.validateFields();
    const patch = changes(v, base);
    if (!Object.keys(patch).length) {
      message.info(t('personEdit.nothing'));
      onClose();
      return;
    }
    setBusy(true);
    setErrors([]);
    try {
      const saved = await peopleApi.update(base.id, { ...patch, expectedVersion: base.version });
      message.success(t('common.saved'));
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'person.version_conflict') {
        try {
          // Rebase: load the latest record; fields this user did not touch take the new values,
          // fields they did edit keep their input. Both lists are named in the warning.
          const latest = await peopleApi.get(base.id);
          const mine = new Set(Object.keys(patch));
          const labelOf: Record<string, string> = {
            name: t('person.name'),
            idNumber: t('person.idNumber'),
            phone: t('person.phone'),
            politicalStatus: t('person.politicalStatus'),
            ethnicity: t('person.ethnicity'),
            registeredAddress: t('person.registeredAddress'),
            tags: t('person.tags'),
          };
          const theirs = Object.keys(labelOf).filter((k) => JSON.stringify(latest[k as keyof PersonDetail]) !== JSON.stringify(base[k as keyof PersonDetail]));
          const untouched: Partial<Values> = {};
          if (!mine.has('name')) untouched.name = latest.name;
          if (!mine.has('politicalStatus')) untouched.politicalStatus = latest.politicalStatus as PoliticalStatus;
          if (!mine.has('ethnicity')) untouched.ethnicity = latest.ethnicity ?? '';
          if (!mine.has('registeredAddress')) untouched.registeredAddress = latest.registeredAddress ?? '';
          if (!mine.has('tags')) untouched.tags = latest.tags;
          form.setFieldsValue(untouched);
          setBase(latest);
          setConflict({ theirs: theirs.map((k) => labelOf[k]!), both: theirs.filter((k) => mine.has(k)).map((k) => labelOf[k]!) });
          onReloaded(latest);
        } catch {
          setConflict({ theirs: [], both: [] });
        }
        setErrors([err.display]);
      } else {
        setErrors(applyFieldErrors(form, err, FIELDS));
      }
    } finally {
      setBusy(false);
    }
  };

  const phoneRule = {
    validator: (_: unknown, value: string | undefined) =>
      !value?.trim() || isPhone(value) ? Promise.resolve() : Promise.reject(new Error(t('person.phoneInvalid'))),
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={560}
      destroyOnHidden
      title={t('personEdit.title', { name: person.name })}
      data-testid="person-edit-drawer"
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => void submit().catch(() => undefined)} data-testid="person-edit-save">
            {conflict ? t('personEdit.saveAgain') : t('common.save')}
          </Button>
        </Space>
      }
    >
      {conflict && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="person-conflict"
          title={errors[0] ?? t('personEdit.conflict')}
          description={
            <>
              <div>
                {conflict.theirs.length
                  ? t('personEdit.conflictFields', { fields: conflict.theirs.join('、'), version: base.version })
                  : t('personEdit.conflictReloaded', { version: base.version })}
              </div>
              {conflict.both.length > 0 && <div style={{ marginTop: 4 }}>{t('personEdit.conflictBoth', { fields: conflict.both.join('、') })}</div>}
            </>
          }
        />
      )}
      {!conflict && errors.length > 0 && <Alert type="error" showIcon title={errors.join('；')} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item name="name" label={t('person.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('person.name') }) }]}>
          <Input maxLength={64} data-testid="person-edit-name" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item
              name="idNumber"
              label={t('person.idNumber')}
              extra={t('personEdit.keepHint', { value: base.idNumber })}
              rules={[idRule]}
              validateTrigger={['onBlur']}
              normalize={(v: string) => normaliseCitizenId(v)}
            >
              <Input maxLength={18} className="mono" placeholder={base.idNumber} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="phone"
              label={t('person.phone')}
              extra={base.phone ? t('personEdit.keepHint', { value: base.phone }) : undefined}
              rules={[phoneRule]}
              validateTrigger={['onBlur']}
            >
              <Input maxLength={20} className="mono" placeholder={base.phone ?? ''} autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
        {idValue?.trim() && (
          <Form.Item label={t('personNew.derived')}>
            <IdDerived value={idValue} />
          </Form.Item>
        )}
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="politicalStatus" label={t('person.politicalStatus')}>
              <PoliticalSelect />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="ethnicity" label={t('person.ethnicity')}>
              <EthnicityInput />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="registeredAddress" label={t('person.registeredAddress')}>
          <Input maxLength={256} />
        </Form.Item>
        <Form.Item name="tags" label={t('person.tags')}>
          <TagSelect />
        </Form.Item>
        {base.phone && (
          <Popconfirm
            title={t('personEdit.clearPhoneConfirm', { phone: base.phone })}
            okText={t('common.ok')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true }}
            onConfirm={async () => {
              setBusy(true);
              try {
                const saved = await peopleApi.update(base.id, { phone: null, expectedVersion: base.version });
                message.success(t('personEdit.phoneCleared'));
                onSaved(saved);
              } catch (err) {
                setErrors(applyFieldErrors(form, err, FIELDS));
              } finally {
                setBusy(false);
              }
            }}
          >
            <Button size="small" type="link" danger style={{ paddingInline: 0 }}>
              {t('personEdit.clearPhone')}
            </Button>
          </Popconfirm>
        )}
      </Form>
    </Drawer>
  );
}
