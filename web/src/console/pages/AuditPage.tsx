import { useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Form, Input, Row, Space, Table, Tag, Typography, type GetProps } from 'antd';
import { auditApi, type AuditQuery } from '../../shared/endpoints';
import { useI18n } from '../../shared/i18n';
import type { AuditEntry } from '../../shared/types';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { formatTime, useLabels } from '../labels';

interface Filters {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  range?: GetProps<typeof DatePicker.RangePicker>['value'];
}

function toQuery(f: Filters): AuditQuery {
  const s = (v?: string) => v?.trim() || undefined;
  return {
    actor: s(f.actor),
    action: s(f.action),
    entityType: s(f.entityType),
    entityId: s(f.entityId),
    // Whole days in the browser's time zone, sent as instants.
    from: f.range?.[0]?.startOf('day').toISOString(),
    to: f.range?.[1]?.endOf('day').toISOString(),
  };
}

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined)
    return (
      <div className="json-block">
        <Typography.Text type="secondary">null</Typography.Text>
      </div>
    );
  return <pre className="json-block">{JSON.stringify(value, null, 2)}</pre>;
}

export default function AuditPage() {
  const { t, lang } = useI18n();
  const labels = useLabels();
  const [form] = Form.useForm<Filters>();
  const [query, setQuery] = useState<AuditQuery>({});

  const { items, cursor, loading, error, load } = useCursorList<AuditEntry>((from) => auditApi.list({ ...query, cursor: from, limit: 50 }), [query]);

  return (
    <Card title={t('audit.title')} size="small">
      <Form<Filters> form={form} layout="vertical" onFinish={(v) => setQuery(toQuery(v))} className="audit-filters">
        <Row gutter={12}>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="actor" label={t('audit.actor')}>
              <Input allowClear placeholder="admin" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="action" label={t('audit.action')}>
              <Input allowClear placeholder="user.create" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="entityType" label={t('audit.entityType')}>
              <Input allowClear placeholder="region" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Form.Item name="entityId" label={t('audit.entityId')}>
              <Input allowClear />
            </Form.Item>
          </Col>
          <Col xs={24} md={12} xl={8}>
            <Form.Item name="range" label={t('audit.range')}>
              <DatePicker.RangePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Space style={{ marginBottom: 12 }}>
          <Button type="primary" htmlType="submit" data-testid="audit-filter">
            {t('audit.filter')}
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              setQuery({});
            }}
          >
            {t('common.reset')}
          </Button>
        </Space>
      </Form>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 900 }}
        data-testid="audit-table"
        expandable={{
          rowExpandable: (r) => r.before != null || r.after != null || !!r.note,
          expandedRowRender: (r) => (
            <Row gutter={12}>
              {r.note && (
                <Col span={24} style={{ marginBottom: 8 }}>
                  <Typography.Text type="secondary">{r.note}</Typography.Text>
                </Col>
              )}
              <Col span={12}>
                <Typography.Text strong>{t('audit.before')}</Typography.Text>
                <Json value={r.before} />
              </Col>
              <Col span={12}>
                <Typography.Text strong>{t('audit.after')}</Typography.Text>
                <Json value={r.after} />
              </Col>
            </Row>
          ),
        }}
        columns={[
          { title: t('audit.at'), dataIndex: 'at', width: 180, render: (v: string) => formatTime(v, lang) },
          {
            title: t('audit.actor'),
            key: 'actor',
            width: 200,
            render: (_: unknown, r) =>
              r.actor ? (
                <span>
                  {r.actor.username} <span className="muted-level">{labels.role(r.actor.role)}</span>
                </span>
              ) : (
                <Typography.Text type="secondary">{t('audit.system')}</Typography.Text>
              ),
          },
          { title: t('audit.action'), dataIndex: 'action', width: 180, render: (v: string) => <Tag>{v}</Tag> },
          { title: t('audit.entityType'), dataIndex: 'entityType', width: 120 },
          { title: t('audit.entityId'), dataIndex: 'entityId', render: (v: string | null) => <span className="mono">{v ?? '—'}</span> },
          { title: t('audit.ip'), dataIndex: 'ip', width: 140, render: (v: string | null) => <span className="mono">{v ?? '—'}</span> },
        ]}
        footer={() => (
          <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} testId="audit-more" />
        )}
      />
    </Card>
  );
}
