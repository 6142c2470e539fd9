import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, ColorPicker, Form, Input, InputNumber, Row, Space, Switch, Table, Tag, Typography } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../../shared/i18n';
import { catalogueApi, type CatalogueColour, type CatalogueTag } from '../../shared/registry';
import { setCatalogue, useCatalogue } from './catalogue';
import './people.css';
import { testIdProps } from './bits';
import { FormModal, useFormShell } from '../components/formShell';

/** 标签与户卡配置: the person tags (incl. the five must-visit groups) and the household card colours. */
export default function CataloguePage() {
  const { t } = useI18n();
  const { tags, colours, error } = useCatalogue();
  const [tagEdit, setTagEdit] = useState<CatalogueTag | 'new' | null>(null);
  const [colourEdit, setColourEdit] = useState<CatalogueColour | 'new' | null>(null);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {error ? <Alert type="error" showIcon title={String((error as Error).message ?? error)} /> : null}
      <Card
        size="small"
        title={t('catalogue.colours')}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setColourEdit('new')} data-testid="colour-create">
            {t('catalogue.addColour')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('catalogue.coloursHint')}</Typography.Paragraph>
        <Table<CatalogueColour>
          size="small"
          rowKey="code"
          pagination={false}
          dataSource={colours}
          data-testid="colour-table"
          columns={[
            {
              title: t('catalogue.colour'),
              key: 'c',
              width: 140,
              render: (_: unknown, c) => (
                <span className="colour-chip">
                  <span className="colour-dot" style={{ background: c.hex, width: 18, height: 18 }} />
                  {c.name}
                </span>
              ),
            },
            { title: t('catalogue.code'), dataIndex: 'code', width: 110, render: (v: string) => <span className="mono">{v}</span> },
            { title: 'HEX', dataIndex: 'hex', width: 90, render: (v: string) => <span className="mono">{v}</span> },
            { title: t('catalogue.meaning'), dataIndex: 'meaning' },
            { title: t('catalogue.sort'), dataIndex: 'sort', width: 70 },
            {
              title: t('common.actions'),
              key: 'a',
              width: 90,
              render: (_: unknown, c) => (
                <Button size="small" icon={<EditOutlined />} onClick={() => setColourEdit(c)} data-testid={`colour-edit-${c.code}`}>
                  {t('common.edit')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={t('catalogue.tags')}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setTagEdit('new')} data-testid="tag-create">
            {t('catalogue.addTag')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('catalogue.tagsHint')}</Typography.Paragraph>
        <Table<CatalogueTag>
          size="small"
          rowKey="code"
          pagination={false}
          dataSource={tags}
          data-testid="tag-table"
          columns={[
            { title: t('catalogue.tagName'), dataIndex: 'name', width: 140, render: (v: string, tg) => (tg.active ? v : <Typography.Text delete>{v}</Typography.Text>) },
            { title: t('catalogue.code'), dataIndex: 'code', width: 160, render: (v: string) => <span className="mono">{v}</span> },
            { title: t('catalogue.category'), dataIndex: 'category', width: 140 },
            { title: t('catalogue.mustVisit'), dataIndex: 'mustVisit', width: 90, render: (v: boolean) => (v ? <Tag color="volcano">{t('common.yes')}</Tag> : t('common.no')) },
            { title: t('catalogue.active'), dataIndex: 'active', width: 80, render: (v: boolean) => (v ? <Tag color="green">{t('catalogue.activeYes')}</Tag> : <Tag>{t('catalogue.activeNo')}</Tag>) },
            { title: t('catalogue.sort'), dataIndex: 'sort', width: 70 },
            {
              title: t('common.actions'),
              key: 'a',
              width: 90,
              render: (_: unknown, tg) => (
                <Button size="small" icon={<EditOutlined />} onClick={() => setTagEdit(tg)} data-testid={`tag-edit-${tg.code}`}>
                  {t('common.edit')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <TagModal editing={tagEdit} categories={[...new Set(tags.map((x) => x.category))]} onClose={() => setTagEdit(null)} />
      <ColourModal editing={colourEdit} onClose={() => setColourEdit(null)} />
    </Space>
  );
}

const CODE_HINT = /^[a-z][a-z0-9_]*$/;

function TagModal({ editing, categories, onClose }: { editing: CatalogueTag | 'new' | null; categories: string[]; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { form, busy, errors, reset, save } = useFormShell<CatalogueTag>(['code', 'name', 'category', 'mustVisit', 'sort', 'active']);
  const isNew = editing === 'new';

  useEffect(() => {
    if (!editing) return;
    reset();
    form.setFieldsValue(editing !== 'new' ? editing : { mustVisit: false, active: true, sort: 100 });
  }, [editing, form]);

  const submit = async () => {
    const v = await form.validateFields();
    await save(async () => {
      const c = await catalogueApi.saveTag({ code: v.code.trim(), name: v.name.trim(), category: v.category.trim(), mustVisit: !!v.mustVisit, sort: v.sort ?? 0, active: v.active ?? true });
      setCatalogue(c);
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
      title={isNew ? t('catalogue.addTag') : t('catalogue.editTag')}
      onCancel={onClose}
      okButtonProps={testIdProps('tag-save')}
    >
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="name" label={t('catalogue.tagName')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('catalogue.tagName') }) }]}>
            <Input maxLength={32} data-testid="tag-name" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="code"
            label={t('catalogue.code')}
            extra={isNew ? t('catalogue.codeHint') : undefined}
            rules={[
              { required: true, message: t('common.required', { field: t('catalogue.code') }) },
              { pattern: CODE_HINT, min: 2, max: 32, message: t('catalogue.codeHint') },
            ]}
          >
            <Input maxLength={32} className="mono" disabled={!isNew} data-testid="tag-code" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="category" label={t('catalogue.category')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('catalogue.category') }) }]}>
        <AutoCategory categories={categories} />
      </Form.Item>
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name="mustVisit" label={t('catalogue.mustVisit')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="active" label={t('catalogue.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="sort" label={t('catalogue.sort')}>
            <InputNumber min={0} max={9999} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
    </FormModal>
  );
}

/** Free text with the existing categories offered. */
function AutoCategory({ categories, value, onChange, id }: { categories: string[]; value?: string; onChange?: (v: string) => void; id?: string }) {
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Input id={id} value={value} onChange={(e) => onChange?.(e.target.value)} maxLength={32} data-testid="tag-category" />
      {categories.slice(0, 4).map((c) => (
        <Button key={c} onClick={() => onChange?.(c)}>
          {c}
        </Button>
      ))}
    </Space.Compact>
  );
}

interface ColourValues {
  code: string;
  name: string;
  hex: string;
  meaning: string;
  sort?: number;
}

function ColourModal({ editing, onClose }: { editing: CatalogueColour | 'new' | null; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { form, busy, errors, reset, save } = useFormShell<ColourValues>(['code', 'name', 'hex', 'meaning', 'sort']);
  const isNew = editing === 'new';

  useEffect(() => {
    if (!editing) return;
    reset();
    form.setFieldsValue(editing !== 'new' ? editing : { hex: '#8c8c8c', sort: 100 });
  }, [editing, form]);

  const submit = async () => {
    const v = await form.validateFields();
    await save(async () => {
      const c = await catalogueApi.saveColour({ code: v.code.trim(), name: v.name.trim(), hex: v.hex, meaning: v.meaning.trim(), sort: v.sort ?? 0 });
      setCatalogue(c);
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
      title={isNew ? t('catalogue.addColour') : t('catalogue.editColour')}
      onCancel={onClose}
      okButtonProps={testIdProps('colour-save')}
    >
      <Row gutter={12}>
        <Col span={10}>
          <Form.Item name="name" label={t('catalogue.colourName')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('catalogue.colourName') }) }]}>
            <Input maxLength={16} data-testid="colour-name" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item
            name="code"
            label={t('catalogue.code')}
            rules={[
              { required: true, message: t('common.required', { field: t('catalogue.code') }) },
              { pattern: CODE_HINT, min: 2, max: 16, message: t('catalogue.codeHint') },
            ]}
          >
            <Input maxLength={16} className="mono" disabled={!isNew} data-testid="colour-code" />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="hex" label={t('catalogue.colour')} getValueFromEvent={(c: { toHexString: () => string }) => c.toHexString().slice(0, 7)}>
            <ColorPicker showText format="hex" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="meaning" label={t('catalogue.meaning')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('catalogue.meaning') }) }]}>
        <Input.TextArea rows={2} maxLength={200} showCount data-testid="colour-meaning" />
      </Form.Item>
      <Form.Item name="sort" label={t('catalogue.sort')}>
        <InputNumber min={0} max={9999} precision={0} />
      </Form.Item>
    </FormModal>
  );
}
