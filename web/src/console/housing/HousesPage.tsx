import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, App, Button, Card, Col, Drawer, Empty, Form, Input, InputNumber, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { ApartmentOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { applyFieldErrors } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { regionsApi } from '../../shared/geo';
import { useI18n } from '../../shared/i18n';
import { HOUSE_USES, housesApi, OCCUPANCIES, type House } from '../../shared/registry';
import type { Building } from '../../shared/types';
import { useRegistryLabels } from '../people/labels';
import { useUrlFilters } from '../people/urlState';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import '../people/people.css';
import { testIdProps } from '../people/bits';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { FormModal } from '../components/formShell';

const KEYS = ['q', 'region', 'occupancy', 'use', 'buildingId'] as const;

/** 房屋: houses by address, region, building, occupancy and use; register and edit houses. */
export default function HousesPage() {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const { can } = useAuth();
  const [filters, setFilters, reset] = useUrlFilters(KEYS);
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(filters.q ?? '');
  const [editing, setEditing] = useState<House | null>(null);
  const canWrite = can('house.write');
  // `?new=1` (from the building view) opens the registration drawer for that building.
  const creating = params.get('new') === '1';
  const setCreating = (on: boolean) =>
    setParams(
      (prev) => {
        const n = new URLSearchParams(prev);
        if (on) n.set('new', '1');
        else n.delete('new');
        return n;
      },
      { replace: true },
    );

  useEffect(() => setQ(filters.q ?? ''), [filters.q]);

  const { items, setItems, cursor, loading, error, load } = useCursorList<House>(
    (from, signal) => housesApi.list({ ...filters, cursor: from, limit: 50 }, signal),
    [filters],
  );

  const anyFilter = KEYS.some((k) => filters[k]);

  return (
    <Card
      title={t('house.title')}
      size="small"
      extra={
        canWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="house-create">
            {t('house.create')}
          </Button>
        )
      }
    >
      <div className="filter-bar">
        <Row gutter={[12, 8]}>
          <Col xs={24} md={8} xl={7}>
            <Input.Search
              allowClear
              value={q}
              placeholder={t('people.addressPlaceholder')}
              onChange={(e) => {
                setQ(e.target.value);
                if (!e.target.value && filters.q) setFilters({ q: null });
              }}
              onSearch={(v) => setFilters({ q: v.trim() })}
              data-testid="houses-search"
            />
          </Col>
          <Col xs={24} md={8} xl={6}>
            <RegionTreeSelect value={filters.region ?? null} onChange={(c) => setFilters({ region: c })} placeholder={t('people.regionPlaceholder')} />
          </Col>
          <Col xs={12} md={4} xl={3}>
            <Select
              allowClear
              style={{ width: '100%' }}
              value={filters.occupancy}
              placeholder={t('house.occupancy')}
              onChange={(v?: string) => setFilters({ occupancy: v })}
              options={OCCUPANCIES.map((o) => ({ value: o, label: labels.occupancy(o) }))}
              data-testid="houses-occupancy"
            />
          </Col>
          <Col xs={12} md={4} xl={3}>
            <Select
              allowClear
              style={{ width: '100%' }}
              value={filters.use}
              placeholder={t('house.use')}
              onChange={(v?: string) => setFilters({ use: v })}
              options={HOUSE_USES.map((o) => ({ value: o, label: labels.houseUse(o) }))}
            />
          </Col>
          <Col xs={24} md={24} xl={5}>
            <Space wrap>
              {filters.buildingId && (
                <Tag closable onClose={() => setFilters({ buildingId: null })} color="blue">
                  <Link to={`/buildings/${filters.buildingId}`}>{t('house.buildingFilter', { id: filters.buildingId })}</Link>
                </Tag>
              )}
              <Button disabled={!anyFilter} onClick={reset}>
                {t('common.reset')}
              </Button>
            </Space>
          </Col>
        </Row>
      </div>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<House>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 900 }}
        data-testid="houses-table"
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={anyFilter ? t('people.emptyFiltered') : t('house.empty')} /> }}
        columns={[
          { title: t('house.address'), dataIndex: 'address', ellipsis: true },
          { title: t('house.floor'), dataIndex: 'floor', width: 64 },
          { title: t('house.room'), dataIndex: 'room', width: 80 },
          { title: t('house.area'), dataIndex: 'areaM2', width: 100, render: (v: number | null) => (v == null ? '' : v.toFixed(1)) },
          { title: t('house.use'), dataIndex: 'use', width: 80, render: (v: string) => labels.houseUse(v) },
          {
            title: t('house.occupancy'),
            dataIndex: 'occupancy',
            width: 90,
            render: (v: string) => <Tag color={v === 'vacant' ? 'default' : v === 'rented' ? 'blue' : v === 'self_occupied' ? 'green' : 'orange'}>{labels.occupancy(v)}</Tag>,
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 190,
            fixed: 'right',
            render: (_: unknown, h) => (
              <Space size={4}>
                {h.buildingId && (
                  <Link to={`/buildings/${h.buildingId}?house=${h.id}`} data-testid={`house-building-${h.id}`}>
                    <Button size="small" icon={<ApartmentOutlined />}>
                      {t('building.view')}
                    </Button>
                  </Link>
                )}
                {canWrite && (
                  <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(h)} data-testid={`house-edit-${h.id}`}>
                    {t('common.edit')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
        footer={() => (
          <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
        )}
      />
      {canWrite && (
        <HouseCreateDrawer
          open={creating}
          presetBuildingId={filters.buildingId ? Number(filters.buildingId) : undefined}
          onClose={() => setCreating(false)}
          onCreated={(h) => setItems((prev) => [h, ...prev.filter((x) => x.id !== h.id)])}
        />
      )}
      <HouseEditModal
        house={editing}
        onClose={() => setEditing(null)}
        onSaved={(h) => {
          setEditing(null);
          setItems((prev) => prev.map((x) => (x.id === h.id ? h : x)));
        }}
      />
    </Card>
  );
}

/** "301" → "302", "A-09" → "A-10", anything else unchanged. */
export function nextRoom(room: string): string {
  const m = /^(.*?)(\d+)$/.exec(room);
  if (!m) return room;
  const n = String(Number(m[2]) + 1).padStart(m[2]!.length, '0');
  return `${m[1]}${n}`;
}

interface CreateValues {
  region?: string | null;
  buildingId?: number;
  entranceNo?: number | null;
  floor?: number;
  room?: string;
  areaM2?: number | null;
  use: string;
  occupancy: string;
}

/** Register houses; "save and next" keeps the building, entrance and floor and moves to the next room. */
export function HouseCreateDrawer({
  open,
  presetBuildingId,
  onClose,
  onCreated,
}: {
  open: boolean;
  presetBuildingId?: number;
  onClose: () => void;
  onCreated: (h: House) => void;
}) {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateValues>();
  const [busy, setBusy] = useState<false | 'save' | 'next'>(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [buildings, setBuildings] = useState<Building[]>([]);
  const [preset, setPreset] = useState<{ id: number; name: string; floors: number; entrances: number } | null>(null);
  const [added, setAdded] = useState<House[]>([]);
  const region = Form.useWatch('region', form);
  const buildingId = Form.useWatch('buildingId', form);
  const floor = Form.useWatch('floor', form);
  const building = buildings.find((b) => Number(b.id) === buildingId);
  const floors = building?.floors ?? (preset && preset.id === buildingId ? preset.floors : null);
  const entrances = building?.entrances ?? (preset && preset.id === buildingId ? preset.entrances : null);

  useEffect(() => {
    if (!open) return;
    setErrors([]);
    setAdded([]);
    form.resetFields();
    if (presetBuildingId) {
      housesApi
        .layout(presetBuildingId)
        .then((l) => {
          setPreset({ id: l.building.id, name: l.building.name, floors: l.building.floors, entrances: Math.max(0, ...l.entrances.map((e) => e.no)) });
          form.setFieldsValue({ buildingId: l.building.id, region: l.building.regionCode });
        })
        .catch(() => undefined);
    }
  }, [open, presetBuildingId, form]);

  useEffect(() => {
    setBuildings([]);
    if (!region) return;
    let alive = true;
    regionsApi
      .buildings(region, null, 500)
      .then((p) => alive && setBuildings(p.items))
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [region]);

  // Suggest the first room of a floor (floor 3 → "301") unless the room was typed by hand.
  const autoRoom = useRef<string | null>(null);
  useEffect(() => {
    const room = form.getFieldValue('room') as string | undefined;
    if (!floor || (room && room !== autoRoom.current)) return;
    autoRoom.current = `${floor}01`;
    form.setFieldsValue({ room: autoRoom.current });
  }, [floor, form]);

  const submit = async (andNext: boolean) => {
    const v = await form.validateFields();
    setBusy(andNext ? 'next' : 'save');
    setErrors([]);
    try {
      const h = await housesApi.create({
        buildingId: v.buildingId!,
        entranceNo: v.entranceNo ?? undefined,
        floor: v.floor!,
        room: v.room!.trim(),
        areaM2: v.areaM2 ?? undefined,
        use: v.use,
        occupancy: v.occupancy,
      });
      message.success(t('house.created', { address: h.address }));
      onCreated(h);
      if (andNext) {
        setAdded((a) => [h, ...a]);
        autoRoom.current = nextRoom(v.room!.trim());
        form.setFieldsValue({ room: autoRoom.current });
      } else onClose();
    } catch (err) {
      setErrors(applyFieldErrors(form, err, ['buildingId', 'entranceNo', 'floor', 'room', 'areaM2', 'use', 'occupancy']));
    } finally {
      setBusy(false);
    }
  };

  const buildingOptions = [
    ...(preset && !buildings.some((b) => Number(b.id) === preset.id) ? [{ value: preset.id, label: preset.name }] : []),
    ...buildings.map((b) => ({ value: Number(b.id), label: `${b.name}${b.floors ? ` · ${t('map.floors', { n: b.floors })}` : ''}` })),
  ];

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={520}
      destroyOnHidden
      title={t('house.create')}
      data-testid="house-drawer"
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.close')}</Button>
          <Button loading={busy === 'next'} disabled={!!busy} onClick={() => void submit(true).catch(() => undefined)} data-testid="house-save-next">
            {t('house.saveAndNext')}
          </Button>
          <Button type="primary" loading={busy === 'save'} disabled={!!busy} onClick={() => void submit(false).catch(() => undefined)} data-testid="house-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {errors.length > 0 && <Alert type="error" showIcon title={errors.join('；')} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" initialValues={{ use: 'residential', occupancy: 'unknown' }}>
        <Form.Item name="region" label={t('house.grid')}>
          <RegionTreeSelect selectableLevels={['grid', 'microgrid']} placeholder={t('house.gridPlaceholder')} />
        </Form.Item>
        <Form.Item name="buildingId" label={t('house.building')} rules={[{ required: true, message: t('house.buildingRequired') }]}>
          <Select
            options={buildingOptions}
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={region ? t('house.buildingPlaceholder') : t('house.gridFirst')}
            notFoundContent={region ? t('region.noBuildings') : t('house.gridFirst')}
            data-testid="house-building"
          />
        </Form.Item>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="entranceNo" label={t('house.entrance')} extra={entrances ? t('house.ofN', { n: entrances }) : undefined}>
              <InputNumber min={1} max={entrances || 50} precision={0} style={{ width: '100%' }} data-testid="house-entrance" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="floor"
              label={t('house.floor')}
              extra={floors ? t('house.ofN', { n: floors }) : undefined}
              rules={[{ required: true, message: t('common.required', { field: t('house.floor') }) }]}
            >
              <InputNumber min={-5} max={floors || 200} precision={0} style={{ width: '100%' }} data-testid="house-floor" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="room" label={t('house.room')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('house.room') }) }]}>
              <Input maxLength={16} data-testid="house-room" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="areaM2" label={t('house.area')}>
              <InputNumber min={0.1} max={100000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="use" label={t('house.use')}>
              <Select options={HOUSE_USES.map((o) => ({ value: o, label: labels.houseUse(o) }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="occupancy" label={t('house.occupancy')}>
              <Select options={OCCUPANCIES.map((o) => ({ value: o, label: labels.occupancy(o) }))} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {added.length > 0 && (
        <Card size="small" title={t('house.addedN', { n: added.length })} data-testid="house-added">
          <Space orientation="vertical" size={2}>
            {added.map((h) => (
              <Typography.Text key={h.id}>{h.address}</Typography.Text>
            ))}
          </Space>
        </Card>
      )}
    </Drawer>
  );
}

interface EditValues {
  areaM2?: number | null;
  use: string;
  occupancy: string;
}

export function HouseEditModal({ house, onClose, onSaved }: { house: House | null; onClose: () => void; onSaved: (h: House) => void }) {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const { message } = App.useApp();
  const [form] = Form.useForm<EditValues>();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);

  useEffect(() => {
    if (!house) return;
    setErrors([]);
    form.setFieldsValue({ areaM2: house.areaM2, use: house.use, occupancy: house.occupancy });
  }, [house, form]);

  const submit = async () => {
    if (!house) return;
    const v = await form.validateFields();
    const patch: { areaM2?: number | null; use?: string; occupancy?: string } = {};
    if ((v.areaM2 ?? null) !== house.areaM2) patch.areaM2 = v.areaM2 ?? null;
    if (v.use !== house.use) patch.use = v.use;
    if (v.occupancy !== house.occupancy) patch.occupancy = v.occupancy;
    if (!Object.keys(patch).length) return onClose();
    setBusy(true);
    try {
      const h = await housesApi.update(house.id, patch);
      message.success(t('common.saved'));
      onSaved(h);
    } catch (err) {
      setErrors(applyFieldErrors(form, err, ['areaM2', 'use', 'occupancy']));
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
      open={!!house}
      title={house ? t('house.editTitle', { address: house.address }) : ''}
      onCancel={onClose}
      okButtonProps={testIdProps('house-edit-ok')}
    >
      <Form.Item name="areaM2" label={t('house.area')}>
        <InputNumber min={0.1} max={100000} style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="use" label={t('house.use')}>
        <Select options={HOUSE_USES.map((o) => ({ value: o, label: labels.houseUse(o) }))} />
      </Form.Item>
      <Form.Item name="occupancy" label={t('house.occupancy')}>
        <Select options={OCCUPANCIES.map((o) => ({ value: o, label: labels.occupancy(o) }))} data-testid="house-edit-occupancy" />
      </Form.Item>
    </FormModal>
  );
}
