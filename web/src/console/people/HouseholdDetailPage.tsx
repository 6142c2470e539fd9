import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { ArrowLeftOutlined, BgColorsOutlined, BranchesOutlined, HomeOutlined, MergeCellsOutlined, UserAddOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError, applyFieldErrors, errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { householdsApi, housesApi, type HouseDetail, type HouseholdDetail, type HouseholdListItem, type HouseholdPatch } from '../../shared/registry';
import { HouseSelect } from '../housing/HouseSelect';
import { ColourChip, RegionName, testIdProps } from './bits';
import { useCatalogue } from './catalogue';
import { householdsInHouse } from './HouseholdChoice';
import { useRegistryLabels } from './labels';
import { EventTimeline } from './LifeEvents';
import { HouseholdMembers } from './PersonDetailPage';
import { FormErrors, FormModal, useFormShell } from '../components/formShell';

const noFuture = (d: Dayjs) => d.isAfter(dayjs(), 'day');

export default function HouseholdDetailPage() {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const { can } = useAuth();
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const [h, setH] = useState<HouseholdDetail | null>(null);
  const [house, setHouse] = useState<HouseDetail | null>(null);
  const [error, setError] = useState<ApiError | string | null>(null);
  const [dialog, setDialog] = useState<'edit' | 'split' | 'merge' | null>(null);

  const load = useCallback(async () => {
    try {
      setH(await householdsApi.get(id));
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err : errorMessage(err));
    }
  }, [id]);

  useEffect(() => {
    setH(null);
    if (id > 0) void load();
  }, [id, load]);

  useEffect(() => {
    setHouse(null);
    if (!h?.houseId || !can('house.read')) return;
    let alive = true;
    housesApi
      .get(h.houseId)
      .then((x) => alive && setHouse(x))
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [h?.houseId, can]);

  if (error) {
    const e = typeof error === 'string' ? error : error.display;
    if (error instanceof ApiError && error.status === 404) return <Result status="404" title="404" subTitle={e} extra={<Button onClick={() => navigate('/households')}>{t('household.backToList')}</Button>} />;
    return <Alert type="error" showIcon title={e} />;
  }
  if (!h) return <Spin style={{ display: 'block', margin: '64px auto' }} />;

  const canWrite = can('person.write') && h.status === 'active';
  const head = h.members.find((m) => m.personId === h.headPersonId);
  const personNames = Object.fromEntries(h.members.map((m) => [m.personId, m.name]));
  const done = (next: HouseholdDetail) => {
    setDialog(null);
    if (next.id !== h.id) navigate(`/households/${next.id}`);
    else setH(next);
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        size="small"
        title={
          <Space>
            <Button type="text" size="small" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={t('reg.back')} />
            <span data-testid="household-title">{t('household.headOf', { name: head?.name ?? t('household.noHead') })}</span>
            {h.status !== 'active' && <Tag>{labels.householdStatus(h.status)}</Tag>}
          </Space>
        }
        extra={
          canWrite && (
            <Space wrap>
              <Button icon={<BgColorsOutlined />} onClick={() => setDialog('edit')} data-testid="household-edit">
                {t('household.edit')}
              </Button>
              <Button
                icon={<UserAddOutlined />}
                onClick={() => navigate(`/people/new?householdId=${h.id}${h.houseId ? `&houseId=${h.houseId}` : ''}`)}
                disabled={!h.houseId}
                data-testid="household-add-member"
              >
                {t('household.addMember')}
              </Button>
              <Button icon={<BranchesOutlined />} onClick={() => setDialog('split')} disabled={h.members.length < 2} data-testid="household-split">
                {t('household.split')}
              </Button>
              <Button icon={<MergeCellsOutlined />} onClick={() => setDialog('merge')} data-testid="household-merge">
                {t('household.merge')}
              </Button>
            </Space>
          )
        }
      >
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, md: 2, xl: 3 }}
          items={[
            { key: 'no', label: t('household.no'), children: <span className="mono">{h.householdNo ?? t('common.none')}</span> },
            {
              key: 'colour',
              label: t('household.colour'),
              children: (
                <div>
                  <ColourChip code={h.colour} />
                  {h.colourNote && <div className="source-note">{h.colourNote}</div>}
                </div>
              ),
            },
            { key: 'members', label: t('household.members'), children: h.members.length },
            {
              key: 'address',
              label: t('person.address'),
              span: 'filled',
              children: (
                <Space wrap>
                  <span>{h.address ?? t('common.none')}</span>
                  {house?.buildingId && (
                    <Link to={`/buildings/${house.buildingId}?house=${house.id}`} data-testid="household-building-link">
                      <HomeOutlined /> {t('building.view')}
                    </Link>
                  )}
                </Space>
              ),
            },
            { key: 'region', label: t('person.region'), children: <RegionName code={h.regionCode} /> },
          ]}
        />
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Card size="small" title={t('household.memberList')}>
            <HouseholdMembers members={h.members} headId={h.headPersonId} />
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card size="small" title={t('person.tab.events')}>
            <EventTimeline events={h.events} personNames={personNames} />
          </Card>
        </Col>
      </Row>
      <HouseholdEditModal household={h} open={dialog === 'edit'} onClose={() => setDialog(null)} onDone={done} />
      <SplitModal household={h} open={dialog === 'split'} onClose={() => setDialog(null)} onDone={done} />
      <MergeModal household={h} open={dialog === 'merge'} onClose={() => setDialog(null)} onDone={done} />
    </Space>
  );
}

interface EditValues {
  /** '' for no colour. */
  colour: string;
  colourNote?: string;
  householdNo?: string;
  headPersonId?: number;
}

/** 户卡: card colour (with what each colour means), note, household number and head. */
function HouseholdEditModal({ household: h, open, onClose, onDone }: { household: HouseholdDetail; open: boolean; onClose: () => void; onDone: (h: HouseholdDetail) => void }) {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const { message } = App.useApp();
  const { colours } = useCatalogue();
  const { form, busy, errors, reset, save } = useFormShell<EditValues>(['colour', 'colourNote', 'householdNo', 'headPersonId']);

  useEffect(() => {
    if (!open) return;
    reset();
    form.setFieldsValue({ colour: h.colour ?? '', colourNote: h.colourNote ?? '', householdNo: h.householdNo ?? '', headPersonId: h.headPersonId ?? undefined });
  }, [open, h, form]);

  const submit = async () => {
    const v = await form.validateFields();
    const patch: HouseholdPatch = {};
    if ((v.colour || null) !== (h.colour ?? null)) patch.colour = v.colour || null;
    const note = v.colourNote?.trim() || null;
    if (note !== (h.colourNote ?? null)) patch.colourNote = note;
    const no = v.householdNo?.trim() || null;
    if (no !== (h.householdNo ?? null)) patch.householdNo = no;
    if (v.headPersonId && v.headPersonId !== h.headPersonId) patch.headPersonId = v.headPersonId;
    if (!Object.keys(patch).length) return onClose();
    await save(async () => {
      const saved = await householdsApi.update(h.id, patch);
      message.success(t('common.saved'));
      onDone(saved);
    });
  };

  return (
    <FormModal
      form={form}
      busy={busy}
      errors={errors}
      submit={submit}
      open={open}
      title={t('household.edit')}
      onCancel={onClose}
      width={600}
      okButtonProps={testIdProps('household-edit-ok')}
    >
      <Form.Item name="colour" label={t('household.colour')}>
        <Radio.Group style={{ width: '100%' }} data-testid="household-colour">
          <Space orientation="vertical" size={6}>
            {colours.map((c) => (
              <Radio key={c.code} value={c.code}>
                <span className="colour-option">
                  <span className="colour-dot" style={{ background: c.hex }} />
                  <span>
                    <strong>{c.name}</strong>
                    <span className="muted-level">{c.meaning}</span>
                  </span>
                </span>
              </Radio>
            ))}
            <Radio value="">{t('colour.none')}</Radio>
          </Space>
        </Radio.Group>
      </Form.Item>
      <Form.Item name="colourNote" label={t('household.colourNote')}>
        <Input.TextArea rows={2} maxLength={500} placeholder={t('household.colourNotePlaceholder')} />
      </Form.Item>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="householdNo" label={t('household.no')}>
            <Input maxLength={32} className="mono" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="headPersonId" label={t('household.head')}>
            <Select options={h.members.map((m) => ({ value: m.personId, label: `${m.name}（${labels.relation(m.relation)}）` }))} />
          </Form.Item>
        </Col>
      </Row>
    </FormModal>
  );
}

interface SplitValues {
  personIds: number[];
  newHeadPersonId?: number;
  houseId?: number | null;
  occurredOn: Dayjs;
}

/** 分户: some members leave to form a new household (same house unless another is chosen). */
function SplitModal({ household: h, open, onClose, onDone }: { household: HouseholdDetail; open: boolean; onClose: () => void; onDone: (h: HouseholdDetail) => void }) {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const { message } = App.useApp();
  const { form, busy, errors, reset, save } = useFormShell<SplitValues>(['personIds', 'newHeadPersonId', 'houseId', 'occurredOn']);
  const chosen = Form.useWatch('personIds', form) ?? [];

  useEffect(() => {
    if (!open) return;
    reset();
  }, [open, form]);

  // New head: keep a valid choice, else the first (eldest) chosen member.
  useEffect(() => {
    const head = form.getFieldValue('newHeadPersonId') as number | undefined;
    if (head && chosen.includes(head)) return;
    const eldest = h.members.filter((m) => chosen.includes(m.personId)).sort((a, b) => b.age - a.age)[0];
    form.setFieldsValue({ newHeadPersonId: eldest?.personId });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chosen.join(',')]);

  const submit = async () => {
    const v = await form.validateFields();
    await save(async () => {
      const created = await householdsApi.split(h.id, {
        personIds: v.personIds,
        newHeadPersonId: v.newHeadPersonId!,
        houseId: v.houseId ?? undefined,
        occurredOn: v.occurredOn.format('YYYY-MM-DD'),
      });
      message.success(t('household.splitDone'));
      onDone(created);
    });
  };

  return (
    <Modal
      open={open}
      title={t('household.split')}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      okText={t('common.ok')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      width={600}
      okButtonProps={testIdProps('split-ok')}
    >
      <Typography.Paragraph type="secondary">{t('household.splitHint')}</Typography.Paragraph>
      <FormErrors errors={errors} gap={12} />
      <Form form={form} layout="vertical" initialValues={{ personIds: [], occurredOn: dayjs() }}>
        <Form.Item
          name="personIds"
          label={t('household.splitWho')}
          rules={[
            { required: true, type: 'array', min: 1, message: t('household.splitWhoRequired') },
            {
              validator: (_, v: number[]) => (v?.length && v.length >= h.members.length ? Promise.reject(new Error(t('household.splitAll'))) : Promise.resolve()),
            },
          ]}
        >
          <Checkbox.Group data-testid="split-members">
            <Space orientation="vertical" size={4}>
              {h.members.map((m) => {
                const isHead = m.personId === h.headPersonId;
                const box = (
                  <Checkbox key={m.personId} value={m.personId} disabled={isHead}>
                    {m.name}
                    <span className="muted-level">
                      {labels.relation(m.relation)} · {t('household.ageN', { n: m.age })}
                    </span>
                  </Checkbox>
                );
                return isHead ? (
                  <Tooltip key={m.personId} title={t('household.headCannotLeave')}>
                    {box}
                  </Tooltip>
                ) : (
                  box
                );
              })}
            </Space>
          </Checkbox.Group>
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="newHeadPersonId" label={t('household.newHead')} rules={[{ required: true, message: t('event.newHeadRequired') }]}>
              <Select
                disabled={!chosen.length}
                options={h.members.filter((m) => chosen.includes(m.personId)).map((m) => ({ value: m.personId, label: m.name }))}
                data-testid="split-head"
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="occurredOn" label={t('household.date')} rules={[{ required: true }]}>
              <DatePicker allowClear={false} disabledDate={noFuture} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="houseId" label={t('household.splitHouse')} extra={t('household.splitHouseHint', { address: h.address ?? '—' })}>
          <HouseSelect />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface MergeValues {
  direction: 'into_other' | 'into_this';
  otherId?: number;
  occurredOn: Dayjs;
}

/** 合户: this household joins another (or another joins this one); the one merged away is dissolved. */
function MergeModal({ household: h, open, onClose, onDone }: { household: HouseholdDetail; open: boolean; onClose: () => void; onDone: (h: HouseholdDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<MergeValues>();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [options, setOptions] = useState<HouseholdListItem[]>([]);
  const [sameHouse, setSameHouse] = useState<HouseholdListItem[]>([]);
  const seq = useRef(0);
  const direction = Form.useWatch('direction', form) ?? 'into_other';
  const head = h.members.find((m) => m.personId === h.headPersonId)?.name ?? '—';

  useEffect(() => {
    if (!open) return;
    setErrors([]);
    form.resetFields();
    // Most merges are between households in the same house: offer those first.
    if (h.houseId)
      householdsInHouse(h.houseId)
        .then((l) => {
          const others = l.filter((x) => x.id !== h.id);
          setSameHouse(others);
          setOptions(others);
          if (others.length === 1) form.setFieldsValue({ otherId: others[0]!.id });
        })
        .catch(() => undefined);
  }, [open, h, form]);

  const search = (q: string) => {
    const term = q.trim();
    if (!term) return setOptions(sameHouse);
    const mine = ++seq.current;
    householdsApi
      .list({ address: term, limit: 20 })
      .then((p) => mine === seq.current && setOptions(p.items.filter((x) => x.id !== h.id)))
      .catch(() => undefined);
  };

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setErrors([]);
    try {
      const body = v.direction === 'into_this' ? { fromId: v.otherId!, intoId: h.id } : { fromId: h.id, intoId: v.otherId! };
      const merged = await householdsApi.merge({ ...body, occurredOn: v.occurredOn.format('YYYY-MM-DD') });
      message.success(t('household.mergeDone'));
      onDone(merged);
    } catch (err) {
      const rest = applyFieldErrors(form, err, ['occurredOn']);
      setErrors(rest);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('household.merge')}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      okText={t('common.ok')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      width={600}
      okButtonProps={testIdProps('merge-ok')}
    >
      <FormErrors errors={errors} gap={12} />
      <Form form={form} layout="vertical" initialValues={{ direction: 'into_other', occurredOn: dayjs() }}>
        <Form.Item name="direction" label={t('household.mergeDirection')}>
          <Radio.Group>
            <Space orientation="vertical" size={4}>
              <Radio value="into_other">{t('household.mergeIntoOther', { head })}</Radio>
              <Radio value="into_this">{t('household.mergeIntoThis', { head })}</Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="otherId"
          label={t('household.mergeOther')}
          extra={sameHouse.length ? t('household.mergeSameHouse', { n: sameHouse.length }) : t('household.mergeSearchHint')}
          rules={[{ required: true, message: t('household.mergeOtherRequired') }]}
        >
          <Select
            showSearch={{ filterOption: false, onSearch: search }}
            placeholder={t('people.addressPlaceholder')}
            data-testid="merge-other"
            options={options.map((o) => ({
              value: o.id,
              label: `${t('household.headOf', { name: o.headName ?? '—' })} · ${t('household.memberCount', { n: o.members })} · ${o.address ?? ''}`,
            }))}
          />
        </Form.Item>
        <Form.Item name="occurredOn" label={t('household.date')} rules={[{ required: true }]}>
          <DatePicker allowClear={false} disabledDate={noFuture} />
        </Form.Item>
        <Alert
          type="warning"
          showIcon
          title={direction === 'into_other' ? t('household.mergeWarnThis') : t('household.mergeWarnOther')}
        />
      </Form>
    </Modal>
  );
}
