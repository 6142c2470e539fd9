/**
 * 新建工单: staff entering a phone call or a walk-in report. Category, description, where (a click
 * on the map finds the grid; or pick the grid), who, photos. Nearby same-category tickets are
 * checked before submitting, and the create response's probable duplicates are shown after it.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, App, Button, Card, Checkbox, Col, Form, Input, Radio, Result, Row, Select, Space, Switch, Typography } from 'antd';
import { AimOutlined, CloseOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { geoApi } from '../../shared/geo';
import { useI18n } from '../../shared/i18n';
import {
  limitText,
  STAFF_CHANNELS,
  TICKET_TYPES,
  ticketLabelKey,
  ticketsApi,
  type Channel,
  type CreatedTicketDto,
  type CreateTicketBody,
  type DuplicateDto,
  type TicketType,
} from '../../shared/tickets';
import { FormErrors, useFormShell } from '../components/formShell';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { CategoryTreeSelect, DuplicateList } from './bits';
import { useTicketLabels } from './labels';
import { PhotoUpload } from './PhotoUpload';
import { TicketMap, type LngLat } from './TicketMap';
import { useCategories } from './useCategories';
import './tickets.css';

interface Values {
  channel: Channel;
  type?: TicketType;
  categoryCode: string;
  title?: string;
  description: string;
  urgent: boolean;
  regionCode?: string;
  address?: string;
  reporterName?: string;
  reporterPhone?: string;
  anonymous: boolean;
  photos: string[];
}

const FIELDS = ['channel', 'type', 'categoryCode', 'title', 'description', 'regionCode', 'address', 'reporterName', 'reporterPhone', 'anonymous', 'photos', 'lng', 'lat', 'priority'] as const;
const BLANK: Partial<Values> = { urgent: false, anonymous: false, photos: [] };

interface Located {
  loading: boolean;
  name?: string;
  error?: string;
}

export default function TicketNewPage() {
  const { t, tx } = useI18n();
  const labels = useTicketLabels();
  const { user } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { byCode } = useCategories();
  const { form, busy, errors, setErrors, reset, save } = useFormShell<Values>(FIELDS);
  // Prefilled for who is typing: a grid worker's own finds come from patrol, in their grid;
  // everyone else mostly enters hotline calls.
  const initial = useMemo<Partial<Values>>(() => {
    const inGrid = user?.scope && (user.scope.level === 'grid' || user.scope.level === 'microgrid');
    return { ...BLANK, channel: user?.role === 'grid_worker' ? 'patrol' : 'hotline', regionCode: inGrid ? user.scope!.code : undefined };
  }, [user]);
  const [point, setPoint] = useState<LngLat | null>(null);
  const [located, setLocated] = useState<Located | null>(null);
  const [uploading, setUploading] = useState(false);
  const [nearby, setNearby] = useState<DuplicateDto[]>([]);
  const [created, setCreated] = useState<CreatedTicketDto | null>(null);
  const categoryCode = Form.useWatch('categoryCode', form);
  const regionCode = Form.useWatch('regionCode', form);
  const category = categoryCode ? byCode.get(categoryCode) : undefined;
  // The map frames the grid the user picked in the tree, not the one a click on the map found
  // (that would zoom in under the cursor).
  const [mapRegion, setMapRegion] = useState<string | undefined>(undefined);
  const fromMap = useRef(false);
  useEffect(() => {
    if (fromMap.current) fromMap.current = false;
    else setMapRegion(regionCode || undefined);
  }, [regionCode]);

  // Same category nearby and recent? Ask before the user submits.
  useEffect(() => {
    setNearby([]);
    if (!categoryCode || !point) return;
    const ctl = new AbortController();
    ticketsApi
      .duplicates({ categoryCode, lng: point.lng, lat: point.lat }, ctl.signal)
      .then(setNearby)
      .catch(() => undefined);
    return () => ctl.abort();
  }, [categoryCode, point]);

  const pick = (p: LngLat) => {
    setPoint(p);
    setLocated({ loading: true });
    geoApi
      .locate(p.lng, p.lat)
      .then((r) => {
        const cell = r.microgrid ?? r.grid;
        if (cell.code !== form.getFieldValue('regionCode')) fromMap.current = true;
        form.setFieldsValue({ regionCode: cell.code });
        setLocated({ loading: false, name: [r.street.name, r.community.name, r.grid.name, r.microgrid?.name].filter(Boolean).join(' / ') });
      })
      .catch((err: unknown) => setLocated({ loading: false, error: errorMessage(err) }));
  };

  const clearPoint = () => {
    setPoint(null);
    setLocated(null);
  };

  const startOver = () => {
    reset();
    form.setFieldsValue(initial);
    clearPoint();
    setCreated(null);
  };

  const submit = async () => {
    const v = await form.validateFields();
    if (!point && !v.regionCode) {
      setErrors([t('ticket.new.needLocation')]);
      return;
    }
    await save(async () => {
      const body: CreateTicketBody = {
        channel: v.channel,
        type: v.type,
        categoryCode: v.categoryCode,
        title: v.title?.trim() || undefined,
        description: v.description.trim(),
        priority: v.urgent ? 'urgent' : 'normal',
        ...(point ? { lng: point.lng, lat: point.lat } : {}),
        regionCode: v.regionCode || undefined,
        address: v.address?.trim() || undefined,
        reporterName: v.reporterName?.trim() || undefined,
        reporterPhone: v.reporterPhone?.trim() || undefined,
        anonymous: v.anonymous || undefined,
        photos: v.photos?.length ? v.photos : undefined,
      };
      const r = await ticketsApi.create(body);
      message.success(t('ticket.new.created', { no: r.no }));
      if (r.duplicates.length) setCreated(r);
      else navigate(`/tickets/${r.id}`);
    });
  };

  const limits = useMemo(() => {
    if (!category) return null;
    const parts = [
      category.respondValue ? `${t('ticket.dueKind.respond')} ${limitText(category.respondValue, category.respondUnit, tx)}` : null,
      `${t('ticket.dueKind.resolve')} ${limitText(category.resolveValue, category.resolveUnit, tx)}`,
    ].filter(Boolean);
    const tier = category.defaultTier === 'department' && category.defaultUnit ? category.defaultUnit : labels.tier(category.defaultTier);
    return t('ticket.new.limitHint', { limits: parts.join(' · '), tier });
  }, [category, t, tx, labels]);

  if (created) {
    return (
      <Card size="small">
        <Result
          status="success"
          title={t('ticket.new.created', { no: created.no })}
          subTitle={created.title}
          extra={[
            <Button type="primary" key="view" onClick={() => navigate(`/tickets/${created.id}`)} data-testid="ticket-created-view">
              {t('ticket.new.view')}
            </Button>,
            <Button key="again" onClick={startOver}>
              {t('ticket.new.another')}
            </Button>,
          ]}
        />
        <Alert type="warning" showIcon title={t('ticket.dup.title')} description={t('ticket.dup.hint')} style={{ marginBottom: 12 }} />
        <DuplicateList items={created.duplicates} />
      </Card>
    );
  }

  return (
    <Card
      size="small"
      title={t('ticket.new.title')}
      extra={<Link to="/tickets">{t('ticket.back')}</Link>}
    >
      <FormErrors errors={errors} gap={16} />
      <Form<Values> form={form} layout="vertical" initialValues={initial} data-testid="ticket-new-form">
        <Row gutter={24}>
          <Col xs={24} lg={12}>
            <Typography.Title level={5}>{t('ticket.new.basic')}</Typography.Title>
            <Form.Item name="channel" label={t('ticket.field.channel')}>
              <Radio.Group optionType="button" options={STAFF_CHANNELS.map((c) => ({ value: c, label: labels.channel(c) }))} />
            </Form.Item>
            <Form.Item name="categoryCode" label={t('ticket.field.category')} extra={limits} rules={[{ required: true, message: t('common.required', { field: t('ticket.field.category') }) }]}>
              <CategoryTreeSelect placeholder={t('ticket.categoryPlaceholder')} data-testid="ticket-new-category" />
            </Form.Item>
            <Form.Item
              name="description"
              label={t('ticket.field.description')}
              rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('ticket.field.description') }) }]}
            >
              <Input.TextArea rows={4} maxLength={4000} showCount placeholder={t('ticket.field.descriptionPlaceholder')} data-testid="ticket-new-description" />
            </Form.Item>
            <Form.Item name="title" label={t('ticket.field.title')} extra={t('ticket.field.titleHint')}>
              <Input maxLength={128} />
            </Form.Item>
            <Row gutter={12}>
              <Col flex="auto">
                <Form.Item name="type" label={t('ticket.field.type')}>
                  <Select allowClear options={TICKET_TYPES.map((v) => ({ value: v, label: tx(ticketLabelKey.type(v), v) }))} />
                </Form.Item>
              </Col>
              <Col flex="120px">
                <Form.Item name="urgent" label={t('ticket.priority.urgent')} valuePropName="checked">
                  <Switch />
                </Form.Item>
              </Col>
            </Row>
            <Typography.Title level={5}>{t('ticket.new.who')}</Typography.Title>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="reporterName" label={t('ticket.field.reporterName')}>
                  <Input maxLength={64} data-testid="ticket-new-reporter" />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="reporterPhone" label={t('ticket.field.reporterPhone')} rules={[{ pattern: /^[0-9+\-\s()]{5,32}$/, message: t('ticket.field.reporterPhone') }]}>
                  <Input maxLength={32} inputMode="tel" data-testid="ticket-new-phone" />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="anonymous" valuePropName="checked">
              <Checkbox>{t('ticket.field.anonymous')}</Checkbox>
            </Form.Item>
            <Form.Item name="photos" label={t('ticket.field.photos')}>
              <PhotoUpload onBusyChange={setUploading} data-testid="ticket-new-photos" />
            </Form.Item>
          </Col>
          <Col xs={24} lg={12}>
            <Typography.Title level={5}>{t('ticket.new.where')}</Typography.Title>
            <Form.Item name="regionCode" label={t('ticket.field.grid')}>
              <RegionTreeSelect selectableLevels={['grid', 'microgrid']} placeholder={t('ticket.field.grid')} data-testid="ticket-new-grid" />
            </Form.Item>
            <Form.Item name="address" label={t('ticket.field.address')}>
              <Input maxLength={256} data-testid="ticket-new-address" />
            </Form.Item>
            <div style={{ marginBottom: 8 }}>
              {point ? (
                <Space wrap size={8}>
                  <AimOutlined />
                  <span className="mono">{t('ticket.new.point', { lng: point.lng.toFixed(6), lat: point.lat.toFixed(6) })}</span>
                  {located?.loading && <Typography.Text type="secondary">{t('ticket.new.locating')}</Typography.Text>}
                  {located?.name && <Typography.Text type="success">{t('ticket.new.located', { name: located.name })}</Typography.Text>}
                  {located?.error && <Typography.Text type="danger">{located.error}</Typography.Text>}
                  <Button size="small" type="text" icon={<CloseOutlined />} onClick={clearPoint}>
                    {t('ticket.new.clearPoint')}
                  </Button>
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('ticket.new.mapHint')}</Typography.Text>
              )}
            </div>
            <TicketMap regionCode={mapRegion ?? user?.scope?.code} point={point} onPick={pick} height={380} data-testid="ticket-new-map" />
            {nearby.length > 0 && (
              <Alert
                type="warning"
                showIcon
                style={{ marginTop: 12 }}
                title={t('ticket.dup.before', { n: nearby.length })}
                description={<DuplicateList items={nearby} />}
                data-testid="ticket-new-nearby"
              />
            )}
          </Col>
        </Row>
        <Space>
          <Button type="primary" loading={busy} disabled={uploading} onClick={() => void submit().catch(() => undefined)} data-testid="ticket-new-submit">
            {t('ticket.new.submit')}
          </Button>
          <Button onClick={() => navigate(-1)}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}
