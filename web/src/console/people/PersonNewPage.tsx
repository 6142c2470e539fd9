import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Radio, Row, Space, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError, applyFieldErrors, errorMessage } from '../../shared/api';
import { checkCitizenId, isPhone, normaliseCitizenId, normalisePhone } from '../../shared/identity';
import { useI18n } from '../../shared/i18n';
import { peopleApi, type FieldWarning, type House, type Person, type PersonInput, type PoliticalStatus, type Relation } from '../../shared/registry';
import { HouseSelect } from '../housing/HouseSelect';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { EthnicityInput, IdDerived, PoliticalSelect, TagSelect, useIdRule } from './fields';
import { HouseholdChoice, useHouseholdsInHouse, type HouseholdMode } from './HouseholdChoice';
import { useRegistryLabels } from './labels';

interface Values {
  name: string;
  idNumber: string;
  phone?: string;
  placeMode: 'house' | 'region';
  houseId?: number | null;
  regionCode?: string | null;
  householdMode?: HouseholdMode;
  householdId?: number;
  relation?: Relation;
  occurredOn?: Dayjs;
  politicalStatus: PoliticalStatus;
  ethnicity?: string;
  registeredAddress?: string;
  tags?: string[];
}

const FIELDS = ['name', 'idNumber', 'phone', 'houseId', 'regionCode', 'politicalStatus', 'ethnicity', 'registeredAddress', 'tags', 'sex', 'birthDate'] as const;

interface Registered {
  id: number;
  name: string;
  note?: string;
}

const blank = (s: string | undefined | null) => {
  const v = s?.trim();
  return v ? v : undefined;
};

/** 新增人员: one person at a time, or a whole family in a row ("save and add another to this household"). */
export default function PersonNewPage() {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Values>();
  const idRule = useIdRule();
  const [busy, setBusy] = useState<false | 'save' | 'next'>(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [warnings, setWarnings] = useState<{ name: string; list: FieldWarning[] } | null>(null);
  const [registered, setRegistered] = useState<Registered[]>([]);
  const [refresh, setRefresh] = useState(0);
  const [existing, setExisting] = useState<Person | null>(null);

  const idValue = Form.useWatch('idNumber', form);
  const placeMode = Form.useWatch('placeMode', form) ?? 'house';
  const houseId = Form.useWatch('houseId', form);
  const households = useHouseholdsInHouse(placeMode === 'house' ? houseId : null, refresh);

  // Presets from links: /people/new?houseId=12 (building view) or ?householdId=3&houseId=12 (household page).
  useEffect(() => {
    const h = Number(params.get('houseId'));
    const hh = Number(params.get('householdId'));
    const region = params.get('regionCode');
    form.setFieldsValue({
      placeMode: region && !h ? 'region' : 'house',
      houseId: h > 0 ? h : undefined,
      regionCode: region ?? undefined,
      ...(hh > 0 ? { householdMode: 'join' as const, householdId: hh } : {}),
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Check the ID number as it is typed: complete numbers at once, partial ones only on blur / save.
  useEffect(() => {
    const r = checkCitizenId(idValue ?? '');
    if (r.id.length >= 18 || r.upgraded || r.problem === 'format') void form.validateFields(['idNumber']).catch(() => undefined);
    else form.setFields([{ name: 'idNumber', errors: [] }]);
  }, [idValue, form]);

  const submit = async (andNext: boolean) => {
    const v = await form.validateFields();
    setBusy(andNext ? 'next' : 'save');
    setErrors([]);
    setExisting(null);
    try {
      const body: PersonInput & { name: string; idNumber: string } = {
        name: v.name.trim(),
        idNumber: checkCitizenId(v.idNumber).id,
        phone: v.phone?.trim() ? normalisePhone(v.phone) : undefined,
        politicalStatus: v.politicalStatus,
        ethnicity: blank(v.ethnicity),
        registeredAddress: blank(v.registeredAddress),
        tags: v.tags ?? [],
        ...(v.placeMode === 'house' ? { houseId: v.houseId ?? undefined } : { regionCode: v.regionCode ?? undefined }),
      };
      const created = await peopleApi.create(body);
      let note: string | undefined;
      let householdId: number | null = null;
      if (v.placeMode === 'house' && v.houseId && v.householdMode && v.householdMode !== 'none') {
        try {
          const moved = await peopleApi.moveIn(created.id, {
            houseId: v.houseId,
            occurredOn: (v.occurredOn ?? dayjs()).format('YYYY-MM-DD'),
            ...(v.householdMode === 'join' && v.householdId ? { householdId: v.householdId, relation: v.relation } : {}),
          });
          householdId = moved.household?.id ?? null;
          note = !moved.household
            ? undefined
            : moved.relation === 'head'
              ? t('personNew.founded')
              : t('personNew.joined', { relation: labels.relation(moved.relation), head: moved.household.members.find((m) => m.personId === moved.household?.headPersonId)?.name ?? '' });
        } catch (err) {
          message.warning(t('personNew.moveInFailed', { error: errorMessage(err) }));
        }
      }
      setWarnings(created.warnings?.length ? { name: created.name, list: created.warnings } : null);
      message.success(t('personNew.created', { name: created.name }));
      if (!andNext) {
        navigate(`/people/${created.id}`, { state: created.warnings?.length ? { warnings: created.warnings } : undefined });
        return;
      }
      setRegistered((r) => [...r, { id: created.id, name: created.name, note }]);
      // Keep the address, household and tags for the next family member; clear the person.
      form.setFields([
        { name: 'name', value: '', errors: [] },
        { name: 'idNumber', value: '', errors: [] },
        { name: 'phone', value: '', errors: [] },
        { name: 'relation', value: undefined, errors: [] },
      ]);
      if (householdId) form.setFieldsValue({ householdMode: 'join', householdId });
      setRefresh((n) => n + 1);
      document.getElementById('person-new_name')?.focus();
    } catch (err) {
      setErrors(applyFieldErrors(form, err, v.placeMode === 'house' ? FIELDS : FIELDS.map((f) => (f === 'houseId' ? 'regionCode' : f))));
      // Already registered: offer the existing record instead of retyping anything.
      if (err instanceof ApiError && err.code === 'person.duplicate') {
        peopleApi
          .list({ idNumber: checkCitizenId(v.idNumber).id, limit: 1 })
          .then((p) => setExisting(p.items[0] ?? null))
          .catch(() => undefined);
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
    <Card
      size="small"
      title={
        <Space>
          <Button type="text" size="small" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={t('reg.back')} />
          {t('personNew.title')}
        </Space>
      }
    >
      {warnings && (
        <Alert
          type="warning"
          showIcon
          closable={{ onClose: () => setWarnings(null) }}
          style={{ marginBottom: 16 }}
          title={t('personNew.warnings', { name: warnings.name })}
          description={warnings.list.map((w) => w.message).join('；')}
          data-testid="person-warnings"
        />
      )}
      {errors.length > 0 && <Alert type="error" showIcon title={errors.join('；')} style={{ marginBottom: 16 }} data-testid="person-errors" />}
      {existing && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="person-existing"
          title={
            <span>
              {t('personNew.existing', { name: existing.name, address: existing.address ?? t('person.noHouse') })}{' '}
              <Link to={`/people/${existing.id}`}>{t('personNew.openExisting')}</Link>
            </span>
          }
        />
      )}
      <Form<Values>
        form={form}
        name="person-new"
        layout="vertical"
                initialValues={{ placeMode: 'house', householdMode: 'new', politicalStatus: 'masses', tags: [], occurredOn: dayjs() }}
        style={{ maxWidth: 960 }}
      >
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="name" label={t('person.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('person.name') }) }]}>
              <Input maxLength={64} autoComplete="off" autoFocus data-testid="person-name" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="idNumber"
              label={t('person.idNumber')}
              required
              rules={[idRule]}
              validateTrigger={['onBlur']}
              normalize={(v: string) => normaliseCitizenId(v)}
            >
              <Input maxLength={18} className="mono" autoComplete="off" data-testid="person-id-number" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label={t('personNew.derived')}>
              <IdDerived value={idValue} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="phone" label={t('person.phone')} rules={[phoneRule]} validateTrigger={['onBlur']}>
              <Input maxLength={20} className="mono" autoComplete="off" data-testid="person-phone" />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="politicalStatus" label={t('person.politicalStatus')}>
              <PoliticalSelect />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item name="ethnicity" label={t('person.ethnicity')}>
              <EthnicityInput placeholder={t('person.ethnicityPlaceholder')} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={5}>{t('personNew.residence')}</Typography.Title>
        <Form.Item name="placeMode" style={{ marginBottom: 12 }}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'house', label: t('personNew.byHouse') },
              { value: 'region', label: t('personNew.byRegion') },
            ]}
            data-testid="person-place-mode"
          />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={16}>
            {placeMode === 'house' ? (
              <Form.Item
                name="houseId"
                label={t('person.house')}
                extra={t('personNew.houseHint')}
                rules={[{ required: true, message: t('personNew.houseRequired') }]}
              >
                <HouseSelect data-testid="person-house" onChange={(_id: number | null, _h: House | null) => form.setFieldsValue({ householdId: undefined })} />
              </Form.Item>
            ) : (
              <Form.Item
                name="regionCode"
                label={t('personNew.region')}
                extra={t('personNew.regionHint')}
                rules={[{ required: true, message: t('personNew.regionRequired') }]}
              >
                <RegionTreeSelect selectableLevels={['community', 'grid', 'microgrid']} data-testid="person-region" />
              </Form.Item>
            )}
          </Col>
          {placeMode === 'house' && houseId && (
            <Col xs={24} md={8}>
              <Form.Item name="occurredOn" label={t('moveIn.date')}>
                <DatePicker style={{ width: '100%' }} allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
              </Form.Item>
            </Col>
          )}
        </Row>
        {placeMode === 'house' && <HouseholdChoice houseId={houseId} households={households} allowNone />}
        <Row gutter={16}>
          <Col xs={24} md={16}>
            <Form.Item name="registeredAddress" label={t('person.registeredAddress')}>
              <Input maxLength={256} placeholder={t('person.registeredAddressPlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item name="tags" label={t('person.tags')}>
              <TagSelect placeholder={t('person.tagsPlaceholder')} />
            </Form.Item>
          </Col>
        </Row>
        <Space wrap>
          <Button type="primary" loading={busy === 'save'} disabled={!!busy} onClick={() => void submit(false).catch(() => undefined)} data-testid="person-save">
            {t('common.save')}
          </Button>
          <Button loading={busy === 'next'} disabled={!!busy} onClick={() => void submit(true).catch(() => undefined)} data-testid="person-save-next">
            {placeMode === 'house' ? t('personNew.saveAndNext') : t('personNew.saveAndNew')}
          </Button>
          <Button onClick={() => navigate('/people')}>{t('common.cancel')}</Button>
        </Space>
      </Form>
      {registered.length > 0 && (
        <Card size="small" style={{ marginTop: 24, maxWidth: 960 }} title={t('personNew.registered', { n: registered.length })} data-testid="person-registered">
          <Space orientation="vertical" size={4}>
            {registered.map((r) => (
              <span key={r.id}>
                <Link to={`/people/${r.id}`}>{r.name}</Link>
                {r.note && <span className="muted-level">{r.note}</span>}
              </span>
            ))}
          </Space>
        </Card>
      )}
    </Card>
  );
}
