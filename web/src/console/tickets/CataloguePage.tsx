/**
 * 派单目录与时限: the category tree with each class's complexity, default tier / department and
 * time limits (editable with catalogue.write), and the dispatch rules category × region → unit
 * (editable with dispatch.write).
 */
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, App, Button, Card, Input, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { limitText, ticketCatalogueApi, type CategoryDto, type CategoryNode, type DispatchRuleDto } from '../../shared/tickets';
import { CategoryTreeSelect } from './bits';
import { CategoryModal, RuleModal } from './CatalogueForms';
import { useTicketLabels } from './labels';
import { useCategories } from './useCategories';
import './tickets.css';

interface Row {
  key: string;
  category: CategoryDto;
  children?: Row[];
}

function toRows(nodes: CategoryNode[], q: string): Row[] {
  const out: Row[] = [];
  for (const n of nodes) {
    const kids = n.children ? toRows(n.children, q) : [];
    const hit = !q || n.category.name.includes(q) || n.category.code.startsWith(q);
    if (hit || kids.length) out.push({ key: n.value, category: n.category, children: kids.length ? kids : undefined });
  }
  return out;
}

export default function TicketCataloguePage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'rules' ? 'rules' : 'categories';
  return (
    <Tabs
      activeKey={tab}
      onChange={(k) => setParams(k === 'rules' ? { tab: 'rules' } : {}, { replace: true })}
      items={[
        { key: 'categories', label: t('ticket.cat.title'), children: tab === 'categories' ? <CategoriesCard /> : null },
        { key: 'rules', label: t('ticket.rules.title'), children: tab === 'rules' ? <RulesCard /> : null },
      ]}
      data-testid="ticket-catalogue-tabs"
    />
  );
}

function CategoriesCard() {
  const { t, tx } = useI18n();
  const labels = useTicketLabels();
  const { can } = useAuth();
  const { tree, error } = useCategories(true);
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<CategoryDto | null>(null);
  const rows = useMemo(() => toRows(tree, q.trim()), [tree, q]);
  const editable = can('catalogue.write');

  return (
    <Card
      size="small"
      title={t('ticket.cat.title')}
      extra={<Input.Search allowClear placeholder={t('ticket.cat.search')} onSearch={setQ} onChange={(e) => !e.target.value && setQ('')} style={{ width: 240 }} />}
    >
      <Typography.Paragraph type="secondary">{t('ticket.cat.hint')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<Row>
        size="small"
        rowKey="key"
        pagination={false}
        dataSource={rows}
        loading={!tree.length && !error}
        expandable={{ defaultExpandAllRows: true }}
        // remount when the rows arrive or the search changes, so every matching branch is open
        key={rows.length ? `t${q}` : 'empty'}
        data-testid="ticket-category-table"
        columns={[
          {
            title: t('ticket.cat.name'),
            key: 'name',
            render: (_: unknown, r) => (
              <span>
                {r.category.active ? r.category.name : <Typography.Text delete>{r.category.name}</Typography.Text>}
                <span className="muted-level mono">{r.category.code}</span>
              </span>
            ),
          },
          {
            title: t('ticket.cat.complexity'),
            key: 'complexity',
            width: 90,
            render: (_: unknown, r) => <Tag color={r.category.complexity === 'complex' ? 'orange' : 'green'}>{labels.complexity(r.category.complexity)}</Tag>,
          },
          {
            title: t('ticket.cat.defaultTier'),
            key: 'tier',
            width: 220,
            render: (_: unknown, r) => (
              <span>
                {labels.tier(r.category.defaultTier)}
                {r.category.defaultUnit && <span className="muted-level">{r.category.defaultUnit}</span>}
              </span>
            ),
          },
          {
            title: t('ticket.cat.respond'),
            key: 'respond',
            width: 110,
            render: (_: unknown, r) => limitText(r.category.respondValue, r.category.respondUnit, tx) || <Typography.Text type="secondary">{t('ticket.cat.noRespond')}</Typography.Text>,
          },
          { title: t('ticket.cat.resolve'), key: 'resolve', width: 110, render: (_: unknown, r) => limitText(r.category.resolveValue, r.category.resolveUnit, tx) },
          {
            title: t('ticket.cat.active'),
            key: 'active',
            width: 70,
            render: (_: unknown, r) => (r.category.active ? <Tag color="green">{t('ticket.cat.active')}</Tag> : <Tag>{t('ticket.cat.inactive')}</Tag>),
          },
          ...(editable
            ? [
                {
                  title: t('common.actions'),
                  key: 'a',
                  width: 80,
                  render: (_: unknown, r: Row) => (
                    <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(r.category)} data-testid={`category-edit-${r.category.code}`}>
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <CategoryModal editing={editing} onClose={() => setEditing(null)} />
    </Card>
  );
}

function RulesCard() {
  const { t, tx } = useI18n();
  const labels = useTicketLabels();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [rules, setRules] = useState<DispatchRuleDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [category, setCategory] = useState<string | undefined>();
  const [editing, setEditing] = useState<DispatchRuleDto | 'new' | null>(null);
  const editable = can('dispatch.write');

  const load = () =>
    ticketCatalogueApi
      .rules()
      .then((r) => {
        setRules(r);
        setError(null);
      })
      .catch((err: unknown) => setError(errorMessage(err)));

  useEffect(() => {
    void load();
  }, []);

  const shown = useMemo(() => (rules ?? []).filter((r) => !category || r.categoryCode.startsWith(category)), [rules, category]);

  const remove = async (r: DispatchRuleDto) => {
    try {
      await ticketCatalogueApi.deleteRule(r.id);
      message.success(t('ticket.rules.deleted'));
      setRules((list) => list?.filter((x) => x.id !== r.id) ?? null);
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  return (
    <Card
      size="small"
      title={t('ticket.rules.title')}
      extra={
        <Space>
          <div style={{ width: 220 }}>
            <CategoryTreeSelect value={category} onChange={setCategory} placeholder={t('ticket.rules.filterCategory')} />
          </div>
          {editable && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="rule-create">
              {t('ticket.rules.add')}
            </Button>
          )}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('ticket.rules.hint')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<DispatchRuleDto>
        size="small"
        rowKey="id"
        loading={!rules && !error}
        dataSource={shown}
        pagination={shown.length > 100 ? { pageSize: 100, showSizeChanger: false } : false}
        locale={{ emptyText: t('ticket.rules.empty') }}
        data-testid="rule-table"
        columns={[
          {
            title: t('ticket.rules.category'),
            key: 'category',
            render: (_: unknown, r) => (
              <span>
                {r.categoryName}
                <span className="muted-level mono">{r.categoryCode}</span>
              </span>
            ),
          },
          { title: t('ticket.rules.region'), dataIndex: 'regionName', width: 180 },
          { title: t('ticket.rules.tier'), dataIndex: 'tier', width: 100, render: (v: string) => labels.tier(v) },
          { title: t('ticket.rules.unit'), dataIndex: 'unitName', width: 200, render: (v: string | null) => v ?? '—' },
          {
            title: t('ticket.rules.resolve'),
            key: 'resolve',
            width: 120,
            render: (_: unknown, r) => limitText(r.resolveValue, r.resolveUnit, tx) || <Typography.Text type="secondary">{t('ticket.rules.byCategory')}</Typography.Text>,
          },
          ...(editable
            ? [
                {
                  title: t('common.actions'),
                  key: 'a',
                  width: 150,
                  render: (_: unknown, r: DispatchRuleDto) => (
                    <Space size={4}>
                      <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(r)}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm title={t('ticket.rules.deleteConfirm')} onConfirm={() => remove(r)} okText={t('common.ok')} cancelText={t('common.cancel')}>
                        <Button size="small" danger icon={<DeleteOutlined />} aria-label="delete" data-testid={`rule-delete-${r.id}`} />
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <RuleModal
        editing={editing}
        onClose={() => setEditing(null)}
        onSaved={(r, replacedId) => {
          setEditing(null);
          setRules((list) => [r, ...(list ?? []).filter((x) => x.id !== r.id && x.id !== replacedId && !(x.categoryCode === r.categoryCode && x.regionCode === r.regionCode))]);
        }}
      />
    </Card>
  );
}
