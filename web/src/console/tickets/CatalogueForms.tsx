/** The modals of the catalogue page: edit a category's limits and defaults; add or change a dispatch rule. */
import { useEffect } from 'react';
import { App, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Switch } from 'antd';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import {
  COMPLEXITIES,
  LIMIT_UNITS,
  TIERS,
  ticketCatalogueApi,
  type CategoryDto,
  type Complexity,
  type DispatchRuleDto,
  type LimitUnit,
  type Tier,
  type UpdateCategoryBody,
} from '../../shared/tickets';
import { FormModal, useFormShell } from '../components/formShell';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { CategoryTreeSelect } from './bits';
import { useTicketLabels } from './labels';
import { replaceCategory, useCategories } from './useCategories';

/** A number with its unit (小时 / 个工作日) side by side. */
function LimitInput({ valueName, unitName, optional }: { valueName: string; unitName: string; optional?: boolean }) {
  const labels = useTicketLabels();
  return (
    <Space.Compact>
      <Form.Item name={valueName} noStyle>
        <InputNumber min={1} max={720} precision={0} style={{ width: 110 }} placeholder={optional ? '—' : undefined} />
      </Form.Item>
      <Form.Item name={unitName} noStyle>
        <Select style={{ width: 110 }} options={LIMIT_UNITS.map((u) => ({ value: u, label: labels.limitUnit(u) }))} />
      </Form.Item>
    </Space.Compact>
  );
}

interface CategoryValues {
  name: string;
  complexity: Complexity;
  defaultTier: Tier;
  defaultUnit?: string | null;
  respondValue?: number | null;
  respondUnit?: LimitUnit | null;
  resolveValue: number;
  resolveUnit: LimitUnit;
  active: boolean;
}

const CATEGORY_FIELDS = ['name', 'complexity', 'defaultTier', 'defaultUnit', 'respondValue', 'respondUnit', 'resolveValue', 'resolveUnit', 'active'] as const;

export function CategoryModal({ editing, onClose }: { editing: CategoryDto | null; onClose: () => void }) {
  const { t } = useI18n();
  const labels = useTicketLabels();
  const { message } = App.useApp();
  const { form, busy, errors, reset, save } = useFormShell<CategoryValues>(CATEGORY_FIELDS);
  const tier = Form.useWatch('defaultTier', form);

  useEffect(() => {
    if (!editing) return;
    reset();
    form.setFieldsValue({
      name: editing.name,
      complexity: editing.complexity as Complexity,
      defaultTier: editing.defaultTier,
      defaultUnit: editing.defaultUnit,
      respondValue: editing.respondValue,
      respondUnit: (editing.respondUnit as LimitUnit | null) ?? 'workday',
      resolveValue: editing.resolveValue,
      resolveUnit: editing.resolveUnit as LimitUnit,
      active: editing.active,
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editing]);

  const submit = async () => {
    if (!editing) return;
    const v = await form.validateFields();
    await save(async () => {
      const next: UpdateCategoryBody = {
        name: v.name.trim(),
        complexity: v.complexity,
        defaultTier: v.defaultTier,
        defaultUnit: v.defaultTier === 'department' ? v.defaultUnit?.trim() || null : null,
        respondValue: v.respondValue ?? null,
        respondUnit: v.respondValue ? (v.respondUnit ?? 'workday') : null,
        resolveValue: v.resolveValue,
        resolveUnit: v.resolveUnit,
        active: v.active,
      };
      // PATCH what changed only (a department name left over on a grid-tier class stays as it was).
      const body = Object.fromEntries(
        Object.entries(next).filter(([k, val]) => (editing[k as keyof CategoryDto] ?? null) !== val && !(k === 'defaultUnit' && v.defaultTier !== 'department')),
      ) as UpdateCategoryBody;
      const c = Object.keys(body).length ? await ticketCatalogueApi.updateCategory(editing.code, body) : editing;
      replaceCategory(c);
      message.success(t('common.saved'));
      onClose();
    });
  };

  return (
    <FormModal
      form={form}
      busy={busy}
      errors={errors}
      submit={submit}
      open={!!editing}
      title={editing ? t('ticket.cat.edit', { name: `${editing.name}（${editing.code}）` }) : ''}
      onCancel={onClose}
      data-testid="category-modal"
    >
      <Row gutter={12}>
        <Col span={14}>
          <Form.Item name="name" label={t('ticket.cat.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('ticket.cat.name') }) }]}>
            <Input maxLength={64} />
          </Form.Item>
        </Col>
        <Col span={10}>
          <Form.Item name="complexity" label={t('ticket.cat.complexity')}>
            <Radio.Group optionType="button" options={COMPLEXITIES.map((c) => ({ value: c, label: labels.complexity(c) }))} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={10}>
          <Form.Item name="defaultTier" label={t('ticket.cat.defaultTier')}>
            <Select options={TIERS.map((x) => ({ value: x, label: labels.tier(x) }))} />
          </Form.Item>
        </Col>
        <Col span={14}>
          {tier === 'department' && (
            <Form.Item name="defaultUnit" label={t('ticket.cat.defaultUnit')} rules={[{ required: true, whitespace: true, message: t('ticket.cat.unitNeeded') }]}>
              <Input maxLength={64} />
            </Form.Item>
          )}
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item label={t('ticket.cat.respond')} extra={t('ticket.cat.respondHint')}>
            <LimitInput valueName="respondValue" unitName="respondUnit" optional />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item label={t('ticket.cat.resolve')} required>
            <LimitInput valueName="resolveValue" unitName="resolveUnit" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="active" label={t('ticket.cat.active')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormModal>
  );
}

interface RuleValues {
  categoryCode: string;
  regionCode: string;
  tier: Tier;
  unitName?: string;
  unitRegionCode?: string | null;
  resolveValue?: number | null;
  resolveUnit?: LimitUnit;
}

const RULE_FIELDS = ['categoryCode', 'regionCode', 'tier', 'unitName', 'unitRegionCode', 'resolveValue', 'resolveUnit'] as const;

export function RuleModal({ editing, onClose, onSaved }: { editing: DispatchRuleDto | 'new' | null; onClose: () => void; onSaved: (r: DispatchRuleDto, replacedId: number | null) => void }) {
  const { t } = useI18n();
  const labels = useTicketLabels();
  const { user } = useAuth();
  const { message } = App.useApp();
  const { byCode } = useCategories();
  const { form, busy, errors, reset, save } = useFormShell<RuleValues>(RULE_FIELDS);
  const tier = Form.useWatch('tier', form);
  const isNew = editing === 'new';

  useEffect(() => {
    if (!editing) return;
    reset();
    form.setFieldsValue(
      editing === 'new'
        ? { regionCode: user?.scope?.code, tier: 'grid', resolveUnit: 'workday' }
        : {
            categoryCode: editing.categoryCode,
            regionCode: editing.regionCode,
            tier: editing.tier,
            unitName: editing.unitName ?? undefined,
            unitRegionCode: editing.unitRegionCode,
            resolveValue: editing.resolveValue,
            resolveUnit: (editing.resolveUnit as LimitUnit | null) ?? 'workday',
          },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editing]);

  /** A new rule starts from the category's own default. */
  const onCategory = (code: string | undefined) => {
    const c = code ? byCode.get(code) : undefined;
    if (c && isNew) form.setFieldsValue({ tier: c.defaultTier, unitName: c.defaultUnit ?? undefined });
  };

  const submit = async () => {
    const v = await form.validateFields();
    const old = editing && editing !== 'new' ? editing : null;
    await save(async () => {
      const r = await ticketCatalogueApi.putRule({
        categoryCode: v.categoryCode,
        regionCode: v.regionCode,
        tier: v.tier,
        ...(v.tier === 'department' ? { unitName: v.unitName?.trim(), unitRegionCode: v.unitRegionCode || undefined } : {}),
        ...(v.resolveValue ? { resolveValue: v.resolveValue, resolveUnit: v.resolveUnit ?? 'workday' } : {}),
      });
      // Category and region are the rule's key: moving an existing rule means replacing it.
      if (old && r.id !== old.id && (old.categoryCode !== v.categoryCode || old.regionCode !== v.regionCode)) await ticketCatalogueApi.deleteRule(old.id);
      message.success(t('common.saved'));
      onSaved(r, old?.id ?? null);
    });
  };

  return (
    <FormModal
      form={form}
      busy={busy}
      errors={errors}
      submit={submit}
      open={!!editing}
      title={isNew ? t('ticket.rules.add') : t('common.edit')}
      onCancel={onClose}
      width={560}
      data-testid="rule-modal"
    >
      <Form.Item name="categoryCode" label={t('ticket.rules.category')} rules={[{ required: true, message: t('common.required', { field: t('ticket.rules.category') }) }]}>
        <CategoryTreeSelect allowClear={false} onChange={onCategory} data-testid="rule-category" />
      </Form.Item>
      <Form.Item name="regionCode" label={t('ticket.rules.region')} rules={[{ required: true, message: t('common.required', { field: t('ticket.rules.region') }) }]}>
        <RegionTreeSelect allowClear={false} data-testid="rule-region" />
      </Form.Item>
      <Form.Item name="tier" label={t('ticket.rules.tier')}>
        <Radio.Group optionType="button" options={TIERS.map((x) => ({ value: x, label: labels.tier(x) }))} />
      </Form.Item>
      {tier === 'department' && (
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="unitName" label={t('ticket.rules.unitName')} rules={[{ required: true, whitespace: true, message: t('ticket.cat.unitNeeded') }]}>
              <Input maxLength={64} data-testid="rule-unit" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="unitRegionCode" label={t('ticket.rules.unitRegion')} extra={t('ticket.rules.unitRegionHint')}>
              <RegionTreeSelect selectableLevels={['city', 'district', 'street']} />
            </Form.Item>
          </Col>
        </Row>
      )}
      <Form.Item label={t('ticket.rules.resolve')} extra={t('ticket.rules.resolveHint')}>
        <LimitInput valueName="resolveValue" unitName="resolveUnit" optional />
      </Form.Item>
    </FormModal>
  );
}
