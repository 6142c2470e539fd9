/**
 * Create or edit an enterprise / social organisation. The credit code is checked (GB 32100, MOD 31)
 * as it is typed and the kind is read from its prefix; "三有" flags, coverage and location follow.
 */
import { useEffect } from 'react';
import { App, Button, Checkbox, Col, Drawer, Form, Input, InputNumber, Row, Select, Space, Tag, Typography } from 'antd';
import { useAuth } from '../../shared/auth';
import { checkCreditCode, type CreditCheck } from '../../shared/identity';
import { useI18n } from '../../shared/i18n';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { PartyOrgTreeSelect } from '../party/PartyOrgTreeSelect';
import { orgsApi, ORG_STATUSES, type OrgDetail, type OrgInput, type OrgStatus } from './api';
import { INDUSTRY_CODES, useOrgLabels } from './labels';
import { SiteSelect } from './SiteSelect';
import { FormErrors, useFormShell } from '../components/formShell';

interface FormValues {
  creditCode: string;
  name: string;
  industry?: string | null;
  address?: string;
  regionCode?: string | null;
  employees?: number | null;
  hasPremises?: boolean;
  hasStaff?: boolean;
  hasRevenue?: boolean;
  status?: OrgStatus;
  guidanceOfficer?: string;
  partyOrgId?: number | null;
  partyMembers?: number | null;
  siteId?: number | null;
  lng?: number | null;
  lat?: number | null;
}

const FIELDS = [
  'creditCode',
  'name',
  'industry',
  'address',
  'regionCode',
  'lng',
  'lat',
  'employees',
  'hasPremises',
  'hasStaff',
  'hasRevenue',
  'status',
  'guidanceOfficer',
  'partyOrgId',
  'partyMembers',
  'siteId',
] as const;

const ORG_REGION_LEVELS = ['community', 'grid', 'microgrid'] as const;

/** The message for a credit-code problem, in the UI language. */
export function useCreditMessage() {
  const { t } = useI18n();
  return (c: CreditCheck): string | null => {
    const i = c.issue;
    if (!i) return null;
    switch (i.rule) {
      case 'credit_length':
        return t('org.credit.length', { n: i.length });
      case 'credit_charset':
        return t('org.credit.charset', { chars: i.chars });
      case 'credit_region':
        return t('org.credit.region');
      case 'credit_check_char':
        return t('org.credit.checkChar', { expected: i.expected });
      default:
        return null;
    }
  };
}

const blank = (s: string | undefined | null) => {
  const v = s?.trim();
  return v ? v : null;
};

export function OrgDrawer({
  open,
  editing,
  onClose,
  onSaved,
}: {
  open: boolean;
  editing: OrgDetail | null;
  onClose: () => void;
  onSaved: (o: OrgDetail) => void;
}) {
  const { t } = useI18n();
  const labels = useOrgLabels();
  const creditMessage = useCreditMessage();
  const { user } = useAuth();
  const { message } = App.useApp();
  const { form, busy, errors, reset, save } = useFormShell<FormValues>(FIELDS);
  const code = Form.useWatch('creditCode', form) ?? '';
  const check = checkCreditCode(code);

  useEffect(() => {
    if (!open) return;
    reset();
    if (editing) {
      form.setFieldsValue({
        creditCode: editing.creditCode,
        name: editing.name,
        industry: editing.industry,
        address: editing.address ?? '',
        regionCode: editing.region.code,
        employees: editing.employees,
        hasPremises: editing.hasPremises,
        hasStaff: editing.hasStaff,
        hasRevenue: editing.hasRevenue,
        status: editing.status as OrgStatus,
        guidanceOfficer: editing.guidanceOfficer ?? '',
        partyOrgId: editing.partyOrg?.id ?? null,
        partyMembers: editing.partyMembers,
        siteId: editing.siteId,
        lng: editing.lng,
        lat: editing.lat,
      });
    } else {
      const scopeLevel = user?.scope?.level;
      form.setFieldsValue({
        status: 'operating',
        partyMembers: 0,
        // A community worker's organisations are in their community: start there.
        regionCode: scopeLevel && (ORG_REGION_LEVELS as readonly string[]).includes(scopeLevel) ? user?.scope?.code : undefined,
      });
    }
  }, [open, editing, form, user]);

  const submit = async () => {
    const v = await form.validateFields();
    await save(async () => {
      const body: OrgInput = {
        creditCode: checkCreditCode(v.creditCode).code,
        name: v.name.trim(),
        industry: v.industry ?? null,
        address: blank(v.address),
        regionCode: v.regionCode ?? undefined,
        employees: v.employees ?? null,
        hasPremises: !!v.hasPremises,
        hasStaff: !!v.hasStaff,
        hasRevenue: !!v.hasRevenue,
        status: v.status ?? 'operating',
        guidanceOfficer: blank(v.guidanceOfficer),
        partyOrgId: v.partyOrgId ?? null,
        partyMembers: v.partyMembers ?? 0,
        siteId: v.siteId ?? null,
        lng: v.lng ?? null,
        lat: v.lat ?? null,
      };
      let saved: OrgDetail;
      if (editing) {
        // Send only what changed, with the version for the optimistic lock.
        const before: Record<string, unknown> = {
          creditCode: editing.creditCode,
          name: editing.name,
          industry: editing.industry,
          address: editing.address,
          regionCode: editing.region.code,
          employees: editing.employees,
          hasPremises: editing.hasPremises,
          hasStaff: editing.hasStaff,
          hasRevenue: editing.hasRevenue,
          status: editing.status,
          guidanceOfficer: editing.guidanceOfficer,
          partyOrgId: editing.partyOrg?.id ?? null,
          partyMembers: editing.partyMembers,
          siteId: editing.siteId,
          lng: editing.lng,
          lat: editing.lat,
        };
        const patch = Object.fromEntries(Object.entries(body).filter(([k, val]) => val !== undefined && val !== before[k])) as OrgInput;
        if (Object.keys(patch).length === 0) {
          onClose();
          return;
        }
        saved = await orgsApi.update(editing.id, { ...patch, version: editing.version });
        message.success(t('org.updated', { name: saved.name }));
      } else {
        const create = Object.fromEntries(Object.entries(body).filter(([, val]) => val !== null && val !== undefined)) as OrgInput;
        saved = await orgsApi.create(create);
        message.success(t('org.created', { name: saved.name }));
      }
      onSaved(saved);
    });
  };

  const creditRule = {
    required: true,
    validator: (_: unknown, value: string | undefined) => {
      if (!value?.trim()) return Promise.reject(new Error(t('common.required', { field: t('org.creditCode') })));
      const c = checkCreditCode(value);
      return c.ok ? Promise.resolve() : Promise.reject(new Error(creditMessage(c) ?? ''));
    },
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={640}
      destroyOnHidden
      title={editing ? t('org.edit', { name: editing.name }) : t('org.create')}
      data-testid="org-drawer"
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => void submit().catch(() => undefined)} data-testid="org-save">
            {editing ? t('common.save') : t('common.create')}
          </Button>
        </Space>
      }
    >
      <FormErrors errors={errors} gap={16} />
      <Form
        form={form}
        layout="vertical"
        requiredMark="optional"
        onValuesChange={(changed: Partial<FormValues>) => {
          // People on the payroll means staff: tick 有人员 for the user.
          if (changed.employees && changed.employees > 0 && !form.getFieldValue('hasStaff')) form.setFieldsValue({ hasStaff: true });
        }}
      >
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item
              name="creditCode"
              label={t('org.creditCode')}
              rules={[creditRule]}
              validateTrigger={['onChange', 'onBlur']}
              normalize={(v: string) => v.toUpperCase().replace(/\s+/g, '')}
              extra={check.ok ? <span style={{ color: '#389e0d' }}>{t('org.credit.ok')}</span> : t('org.credit.hint')}
            >
              <Input maxLength={18} className="mono" autoComplete="off" data-testid="org-credit-code" />
            </Form.Item>
          </Col>
          <Col span={10}>
            {/* read-only, derived from the code: `required` only hides the "optional" mark */}
            <Form.Item label={t('org.kind')} extra={t('org.kindHint')} required>
              <Space size={4} wrap data-testid="org-kind">
                {check.kind ? (
                  <>
                    <Tag color={check.group === 'enterprise' ? 'blue' : check.group === 'social_org' ? 'purple' : 'default'}>
                      {labels.kind(check.kind, t('creditKind.unknown'))}
                    </Tag>
                    <Typography.Text type="secondary" className="mono">
                      {check.kind}
                    </Typography.Text>
                    {check.group && <Typography.Text type="secondary">{labels.group(check.group)}</Typography.Text>}
                  </>
                ) : (
                  <Typography.Text type="secondary">—</Typography.Text>
                )}
              </Space>
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="name" label={t('org.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('org.name') }) }]}>
          <Input maxLength={128} data-testid="org-name" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="industry" label={t('org.industry')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                options={INDUSTRY_CODES.map((c) => ({ value: c, label: labels.industryFull(c) }))}
                placeholder={t('org.industryPlaceholder')}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="status" label={t('org.status')}>
              <Select options={ORG_STATUSES.map((s) => ({ value: s, label: labels.status(s) }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="regionCode" label={t('org.region')} rules={[{ required: !editing, message: t('org.regionRequired') }]} extra={t('org.regionHint')}>
          <RegionTreeSelect selectableLevels={ORG_REGION_LEVELS} placeholder={t('org.regionPlaceholder')} />
        </Form.Item>
        <Form.Item name="address" label={t('org.address')}>
          <Input maxLength={256} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="employees" label={t('org.employees')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="siteId" label={t('org.site')}>
              <SiteSelect placeholder={t('org.sitePlaceholder')} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label={t('org.threeHave')} extra={t('org.threeHaveHint')}>
          <Space wrap>
            <Form.Item name="hasPremises" valuePropName="checked" noStyle>
              <Checkbox>{t('org.hasPremises')}</Checkbox>
            </Form.Item>
            <Form.Item name="hasStaff" valuePropName="checked" noStyle>
              <Checkbox>{t('org.hasStaff')}</Checkbox>
            </Form.Item>
            <Form.Item name="hasRevenue" valuePropName="checked" noStyle>
              <Checkbox>{t('org.hasRevenue')}</Checkbox>
            </Form.Item>
          </Space>
        </Form.Item>
        <Typography.Title level={5}>{t('org.coverageSection')}</Typography.Title>
        <Form.Item name="partyOrgId" label={t('org.partyOrg')} extra={t('org.partyOrgHint')}>
          <PartyOrgTreeSelect initialLabel={editing?.partyOrg?.name} placeholder={t('org.partyOrgPlaceholder')} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="guidanceOfficer" label={t('org.guidanceOfficer')} extra={t('org.guidanceOfficerHint')}>
              <Input maxLength={64} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="partyMembers" label={t('org.partyMembers')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="lng" label={t('org.lng')}>
              <InputNumber min={-180} max={180} step={0.000001} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="lat" label={t('org.lat')}>
              <InputNumber min={-90} max={90} step={0.000001} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}
