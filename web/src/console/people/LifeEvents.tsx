import { useEffect, useMemo, useState } from 'react';
import { App, DatePicker, Form, Input, Modal, Select, Timeline, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { Link } from 'react-router-dom';
import { ApiError, applyFieldErrors } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import { peopleApi, type LifeEvent, type PersonDetail, type Relation } from '../../shared/registry';
import { HouseSelect } from '../housing/HouseSelect';
import { HouseholdChoice, useHouseholdsInHouse, type HouseholdMode } from './HouseholdChoice';
import { useRegistryLabels } from './labels';
import { testIdProps } from './bits';
import { FormErrors, FormModal, useFormShell } from '../components/formShell';

export type LifeEventKind = 'move_in' | 'move_out' | 'death';

const noFuture = (d: Dayjs) => d.isAfter(dayjs(), 'day');

interface MoveInValues {
  houseId?: number;
  householdMode?: HouseholdMode;
  householdId?: number;
  relation?: Relation;
  occurredOn: Dayjs;
}

/** 迁入: into a house, founding a household there or joining one. */
export function MoveInModal({ person, open, onClose, onDone }: { person: PersonDetail; open: boolean; onClose: () => void; onDone: (p: PersonDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { form, busy, errors, reset, save } = useFormShell<MoveInValues>(['houseId', 'householdId', 'relation', 'occurredOn']);
  const houseId = Form.useWatch('houseId', form);
  const households = useHouseholdsInHouse(open ? houseId : null);

  useEffect(() => {
    if (open) {
      reset();
    }
  }, [open, form]);

  const submit = async () => {
    const v = await form.validateFields();
    await save(async () => {
      const p = await peopleApi.moveIn(person.id, {
        houseId: v.houseId!,
        occurredOn: v.occurredOn.format('YYYY-MM-DD'),
        ...(v.householdMode === 'join' && v.householdId ? { householdId: v.householdId, relation: v.relation } : {}),
      });
      message.success(t('event.done.move_in', { name: person.name }));
      onDone(p);
    });
  };

  return (
    <FormModal
      form={form}
      busy={busy}
      errors={errors}
      submit={submit}
      formProps={{ initialValues: { occurredOn: dayjs(), householdMode: 'new' } }}
      open={open}
      title={t('event.title.move_in', { name: person.name })}
      onCancel={onClose}
      okText={t('common.ok')}
      width={560}
      okButtonProps={testIdProps('event-ok')}
    >
      <Form.Item name="houseId" label={t('moveIn.house')} rules={[{ required: true, message: t('personNew.houseRequired') }]}>
        <HouseSelect data-testid="move-in-house" />
      </Form.Item>
      <HouseholdChoice houseId={houseId} households={households} />
      <Form.Item name="occurredOn" label={t('moveIn.date')} rules={[{ required: true }]}>
        <DatePicker allowClear={false} disabledDate={noFuture} />
      </Form.Item>
    </FormModal>
  );
}

interface LeaveValues {
  occurredOn: Dayjs;
  newHeadPersonId?: number;
  note?: string;
}

/** Other current members of the person's household (candidates for the new head). */
function otherMembers(person: PersonDetail) {
  return (person.household?.members ?? []).filter((m) => m.personId !== person.id && m.status === 'active');
}

/** Spouse first, then the eldest adult, then anyone. */
function suggestedHead(person: PersonDetail): number | undefined {
  const others = otherMembers(person);
  const spouse = others.find((m) => m.relation === 'spouse');
  if (spouse) return spouse.personId;
  const adults = others.filter((m) => m.age >= 18).sort((a, b) => b.age - a.age);
  return (adults[0] ?? others[0])?.personId;
}

/** 迁出 / 死亡: the person leaves their household; a head hands over to another member first. */
export function LeaveModal({
  person,
  kind,
  open,
  onClose,
  onDone,
}: {
  person: PersonDetail;
  kind: 'move_out' | 'death';
  open: boolean;
  onClose: () => void;
  onDone: (p: PersonDetail) => void;
}) {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const { message } = App.useApp();
  const [form] = Form.useForm<LeaveValues>();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [serverWantsHead, setServerWantsHead] = useState(false);
  // The household as last loaded; refreshed when the server says it changed (a new member, say).
  const [current, setCurrent] = useState(person);
  const others = otherMembers(current);
  const isHead = !!current.household && current.household.headPersonId === current.id;
  const needsHead = (isHead && others.length > 0) || serverWantsHead;

  useEffect(() => {
    if (open) {
      setCurrent(person);
      form.resetFields();
      form.setFieldsValue({ occurredOn: dayjs(), newHeadPersonId: person.household?.headPersonId === person.id ? suggestedHead(person) : undefined });
      setErrors([]);
      setServerWantsHead(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, form, person.id]);

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setErrors([]);
    try {
      const body = { occurredOn: v.occurredOn.format('YYYY-MM-DD'), newHeadPersonId: needsHead ? v.newHeadPersonId : undefined, note: v.note?.trim() || undefined };
      const p = kind === 'death' ? await peopleApi.death(person.id, body) : await peopleApi.moveOut(person.id, body);
      message.success(t(kind === 'death' ? 'event.done.death' : 'event.done.move_out', { name: person.name }));
      onDone(p);
    } catch (err) {
      const wantsHead = err instanceof ApiError && !!err.problem.errors?.some((e) => e.field === 'newHeadPersonId');
      if (wantsHead) {
        setServerWantsHead(true);
        const latest = await peopleApi.get(person.id).catch(() => null);
        if (latest) setCurrent(latest);
        const chosen = form.getFieldValue('newHeadPersonId') as number | undefined;
        if (!chosen || !otherMembers(latest ?? current).some((m) => m.personId === chosen)) form.setFieldsValue({ newHeadPersonId: suggestedHead(latest ?? current) });
      }
      setErrors(applyFieldErrors(form, err, ['occurredOn', 'newHeadPersonId', 'note']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t(kind === 'death' ? 'event.title.death' : 'event.title.move_out', { name: person.name })}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      okText={t('common.ok')}
      okButtonProps={testIdProps('event-ok', { danger: kind === 'death' })}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t(kind === 'death' ? 'event.hint.death' : 'event.hint.move_out')}</Typography.Paragraph>
      <FormErrors errors={errors} gap={12} />
      <Form form={form} layout="vertical">
        <Form.Item name="occurredOn" label={t(kind === 'death' ? 'event.dateOf.death' : 'event.dateOf.move_out')} rules={[{ required: true }]}>
          <DatePicker allowClear={false} disabledDate={noFuture} />
        </Form.Item>
        {needsHead && (
          <Form.Item
            name="newHeadPersonId"
            label={t('event.newHead')}
            extra={t('event.newHeadHint')}
            rules={[{ required: true, message: t('event.newHeadRequired') }]}
          >
            <Select
              data-testid="event-new-head"
              options={others.map((m) => ({
                value: m.personId,
                label: `${m.name}（${labels.relation(m.relation)}，${t('household.ageN', { n: m.age })}）`,
              }))}
            />
          </Form.Item>
        )}
        <Form.Item name="note" label={t('event.note')}>
          <Input.TextArea rows={2} maxLength={500} placeholder={t(kind === 'death' ? 'event.notePlaceholder.death' : 'event.notePlaceholder.move_out')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Life events (person or household) as a timeline, newest first. */
export function EventTimeline({ events, personNames: known = {}, selfId }: { events: LifeEvent[]; personNames?: Record<number, string>; selfId?: number }) {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const [fetched, setFetched] = useState<Record<number, string>>({});
  const personNames = useMemo(() => ({ ...fetched, ...known }), [fetched, known]);

  // People named in events who are no longer in the household (moved out, split off): look up their names.
  useEffect(() => {
    const ids = new Set<number>();
    for (const e of events) {
      const d = e.details ?? {};
      for (const v of [e.personId, d.newHeadPersonId, ...(Array.isArray(d.personIds) ? d.personIds : [])]) {
        if (typeof v === 'number' && !known[v] && !fetched[v]) ids.add(v);
      }
    }
    if (!ids.size) return;
    let alive = true;
    void Promise.all(
      [...ids].slice(0, 20).map((id) =>
        peopleApi
          .get(id)
          .then((p) => [id, p.name] as const)
          .catch(() => [id, `#${id}`] as const),
      ),
    ).then((pairs) => alive && setFetched((f) => ({ ...f, ...Object.fromEntries(pairs) })));
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [events]);

  const items = useMemo(
    () =>
      events.map((e) => {
        const d = e.details ?? {};
        const parts: React.ReactNode[] = [];
        const num = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : null);
        if (e.kind === 'split' && num('newHouseholdId')) {
          const ids = Array.isArray(d.personIds) ? (d.personIds as number[]) : [];
          parts.push(
            <span key="s">
              {t('event.detail.split', { n: ids.length })} <Link to={`/households/${num('newHouseholdId')}`}>{t('event.detail.newHousehold')}</Link>
              {ids.length > 0 && <span className="muted-level">{ids.map((i) => personNames[i] ?? `#${i}`).join('、')}</span>}
            </span>,
          );
        }
        if (e.kind === 'merge' && num('fromHouseholdId')) {
          parts.push(
            <span key="m">
              {t('event.detail.mergeFrom')} <Link to={`/households/${num('fromHouseholdId')}`}>#{num('fromHouseholdId')}</Link>
            </span>,
          );
        }
        if (num('newHeadPersonId')) {
          const id = num('newHeadPersonId')!;
          parts.push(
            <span key="nh">
              {t('event.detail.newHead')} <Link to={`/people/${id}`}>{personNames[id] ?? `#${id}`}</Link>
            </span>,
          );
        }
        if (typeof d.note === 'string' && d.note) parts.push(<span key="n">{d.note}</span>);
        if (e.personId && e.personId !== selfId && personNames[e.personId] && e.kind !== 'split' && e.kind !== 'merge') {
          parts.unshift(
            <Link key="p" to={`/people/${e.personId}`}>
              {personNames[e.personId]}
            </Link>,
          );
        }
        return {
          key: e.id,
          color: e.kind === 'death' ? 'gray' : e.kind === 'move_out' ? 'red' : e.kind === 'move_in' ? 'green' : 'blue',
          title: e.occurredOn,
          content: (
            <div data-testid={`event-${e.kind}`}>
              <strong>{labels.event(e.kind)}</strong>
              {parts.length > 0 && <div className="source-note">{parts.map((p, i) => <span key={i} style={{ marginInlineEnd: 8 }}>{p}</span>)}</div>}
            </div>
          ),
        };
      }),
    [events, labels, t, personNames, selfId],
  );
  if (!events.length) return <Typography.Text type="secondary">{t('event.none')}</Typography.Text>;
  return <Timeline items={items} />;
}
