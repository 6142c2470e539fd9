/**
 * 党组织: the lazily loaded tree (党委 → 党总支 → 党支部 → 党小组), the selected organisation's
 * details and members (在职党员, 双报到), and forms to add a child organisation or a member.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tabs,
  Tag,
  Tree,
} from 'antd';
import type { DataNode } from 'antd/es/tree';
import { PlusOutlined, UserAddOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { LoadMoreFooter } from '../components/LoadMoreFooter';
import { useCursorList } from '../components/useCursorList';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';
import { orgsApi, type Org } from '../orgs/api';
import { entityLabel } from '../imports/api';
import { CHILD_LEVELS, partyApi, type Membership, type PartyLevel, type PartyMember, type PartyOrg, type PartyOrgDetail } from './api';
import { PersonSelect } from './PersonSelect';
import { FormErrors, FormModal, useFormShell } from '../components/formShell';

interface PartyNode extends DataNode {
  key: string;
  org: PartyOrg;
  children?: PartyNode[];
}

function usePartyLabels() {
  const { tx } = useI18n();
  return {
    level: (l: string, fallback?: string) => tx(`partyLevel.${l}`, fallback ?? l),
    membership: (m: string) => tx(`membership.${m}`, m),
  };
}

// ---- add a child organisation ------------------------------------------------------------------

interface OrgFormValues {
  level: PartyLevel;
  name: string;
  attach: 'region' | 'organisation';
  regionCode?: string | null;
  organisationId?: number | null;
  secretary?: string;
  foundedOn?: string;
}

function OrganisationSearch({ value, onChange, id }: { value?: number | null; onChange?: (v: number | null) => void; id?: string }) {
  const [options, setOptions] = useState<Org[]>([]);
  const [loading, setLoading] = useState(false);
  const search = (q: string) => {
    if (!q.trim()) return;
    setLoading(true);
    orgsApi
      .list({ q: q.trim(), limit: 20 })
      .then((p) => setOptions(p.items))
      .catch(() => setOptions([]))
      .finally(() => setLoading(false));
  };
  return (
    <Select<number>
      id={id}
      showSearch={{ filterOption: false, onSearch: search }}
      allowClear
      loading={loading}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      notFoundContent={null}
      options={options.map((o) => ({ value: o.id, label: `${o.name}（${o.creditCode}）` }))}
    />
  );
}

function AddOrgModal({ parent, open, onClose, onCreated }: { parent: PartyOrgDetail | null; open: boolean; onClose: () => void; onCreated: (o: PartyOrgDetail) => void }) {
  const { t } = useI18n();
  const labels = usePartyLabels();
  const { user } = useAuth();
  const { message } = App.useApp();
  const { form, busy, errors, reset, save } = useFormShell<OrgFormValues>(['name', 'level', 'parentId', 'regionCode', 'organisationId', 'secretary', 'foundedOn']);
  const levels: PartyLevel[] = parent ? [...CHILD_LEVELS[parent.level as PartyLevel]] : ['committee'];
  const attach = Form.useWatch('attach', form);

  useEffect(() => {
    if (!open) return;
    reset();
    // The most common child first (党委 → 党支部, 党总支 → 党支部, 党支部 → 党小组), placed where the parent is.
    const level = levels.includes('branch') ? 'branch' : levels[0];
    form.setFieldsValue({ level, attach: 'region', regionCode: parent?.region.code ?? user?.scope?.code ?? null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, parent, form]);

  const submit = async () => {
    const v = await form.validateFields();
    await save(async () => {
      const created = await partyApi.create({
        name: v.name.trim(),
        level: v.level,
        parentId: parent?.id,
        regionCode: v.attach === 'region' ? (v.regionCode ?? undefined) : undefined,
        organisationId: v.attach === 'organisation' ? (v.organisationId ?? undefined) : undefined,
        secretary: v.secretary?.trim() || undefined,
        foundedOn: v.foundedOn || undefined,
      });
      message.success(t('party.created', { name: created.name }));
      onCreated(created);
    });
  };

  return (
    <Modal
      open={open}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      confirmLoading={busy}
      destroyOnHidden
      title={parent ? t('party.addChildTo', { name: parent.name }) : t('party.addRoot')}
      okText={t('common.create')}
    >
      <FormErrors errors={errors} gap={16} />
      {levels.length === 0 ? (
        <Alert type="info" showIcon title={t('party.noChildLevels')} />
      ) : (
        <Form form={form} layout="vertical" requiredMark="optional">
          <Form.Item name="level" label={t('party.level')} rules={[{ required: true }]} extra={parent ? t('party.levelHint', { parent: labels.level(parent.level, parent.levelName) }) : undefined}>
            <Radio.Group optionType="button" options={levels.map((l) => ({ value: l, label: labels.level(l) }))} />
          </Form.Item>
          <Form.Item name="name" label={t('party.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('party.name') }) }]}>
            <Input maxLength={128} placeholder={t('party.namePlaceholder')} data-testid="party-org-name" />
          </Form.Item>
          <Form.Item name="attach" label={t('party.attachTo')}>
            <Radio.Group
              options={[
                { value: 'region', label: t('party.attachRegion') },
                { value: 'organisation', label: t('party.attachOrg') },
              ]}
            />
          </Form.Item>
          {attach === 'organisation' ? (
            <Form.Item name="organisationId" label={t('party.organisation')} rules={[{ required: true, message: t('party.organisationRequired') }]} extra={t('party.organisationHint')}>
              <OrganisationSearch />
            </Form.Item>
          ) : (
            <Form.Item name="regionCode" label={t('party.region')} rules={[{ required: true, message: t('org.regionRequired') }]} extra={t('party.regionHint')}>
              <RegionTreeSelect rootCode={parent?.region.code} placeholder={t('org.regionPlaceholder')} />
            </Form.Item>
          )}
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item name="secretary" label={t('party.secretary')}>
                <Input maxLength={64} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="foundedOn" label={t('party.foundedOn')}>
                <Input type="date" />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      )}
    </Modal>
  );
}

// ---- add a member --------------------------------------------------------------------------

interface MemberFormValues {
  personId: number;
  membership: Membership;
  joinedOn?: string;
  inService?: boolean;
  workUnit?: string;
  homeCommunityCode?: string | null;
  reportedOn?: string;
}

function AddMemberModal({ org, open, onClose, onCreated }: { org: PartyOrgDetail; open: boolean; onClose: () => void; onCreated: (m: PartyMember) => void }) {
  const { t } = useI18n();
  const labels = usePartyLabels();
  const { message } = App.useApp();
  const { form, busy, errors, reset, save } = useFormShell<MemberFormValues>(['personId', 'membership', 'joinedOn', 'inService', 'workUnit', 'homeCommunityCode', 'reportedOn']);
  const inService = Form.useWatch('inService', form);

  useEffect(() => {
    if (!open) return;
    reset();
    form.setFieldsValue({ membership: 'full', inService: false });
  }, [open, form]);

  const submit = async () => {
    const v = await form.validateFields();
    await save(async () => {
      const m = await partyApi.createMember({
        personId: v.personId,
        partyOrgId: org.id,
        membership: v.membership,
        joinedOn: v.joinedOn || undefined,
        inService: !!v.inService,
        workUnit: v.inService ? v.workUnit?.trim() || undefined : undefined,
        homeCommunityCode: v.inService ? (v.homeCommunityCode ?? undefined) : undefined,
        reportedOn: v.inService ? v.reportedOn || undefined : undefined,
      });
      message.success(t('party.memberAdded', { name: m.name ?? `#${m.personId}` }));
      onCreated(m);
    });
  };

  return (
    <FormModal
      form={form}
      busy={busy}
      errors={errors}
      submit={submit}
      gap={16}
      formProps={{ requiredMark: 'optional' }}
      open={open}
      onCancel={onClose}
      title={t('party.addMemberTo', { name: org.name })}
      okText={t('common.create')}
    >
      <Form.Item name="personId" label={t('party.person')} rules={[{ required: true, message: t('party.personRequired') }]} extra={t('party.personHint')}>
        <PersonSelect placeholder={t('party.personPlaceholder')} />
      </Form.Item>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="membership" label={t('party.membership')}>
            <Radio.Group optionType="button" options={(['full', 'probationary'] as const).map((m) => ({ value: m, label: labels.membership(m) }))} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="joinedOn" label={t('party.joinedOn')}>
            <Input type="date" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="inService" valuePropName="checked" extra={t('party.inServiceHint')}>
        <Checkbox>{t('party.inService')}</Checkbox>
      </Form.Item>
      {inService && (
        <>
          <Form.Item name="workUnit" label={t('party.workUnit')}>
            <Input maxLength={128} />
          </Form.Item>
          <Row gutter={16}>
            <Col span={14}>
              <Form.Item name="homeCommunityCode" label={t('party.homeCommunity')} extra={t('party.homeCommunityHint')}>
                <RegionTreeSelect selectableLevels={['community']} placeholder={t('party.homeCommunityPlaceholder')} />
              </Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item name="reportedOn" label={t('party.reportedOn')}>
                <Input type="date" />
              </Form.Item>
            </Col>
          </Row>
        </>
      )}
    </FormModal>
  );
}

// ---- members table ---------------------------------------------------------------------------

function MembersTable({ query, showOrg }: { query: Parameters<typeof partyApi.members>[0]; showOrg: boolean }) {
  const { t } = useI18n();
  const labels = usePartyLabels();
  const key = JSON.stringify(query);
  const { items, cursor, loading, error, load } = useCursorList<PartyMember>(
    (from) => partyApi.members({ ...(JSON.parse(key) as object), cursor: from, limit: 50 }),
    [key],
  );
  // Until the server fills in names from the population register, look them up (once per person).
  const [names, setNames] = useState<Record<number, string>>({});
  useEffect(() => {
    const missing = [...new Set(items.filter((m) => !m.name && !(m.personId in names)).map((m) => m.personId))];
    if (!missing.length) return;
    let alive = true;
    void Promise.all(missing.slice(0, 50).map(async (id) => [id, (await entityLabel('person', id)) ?? `#${id}`] as const)).then((got) => {
      if (alive) setNames((n) => ({ ...n, ...Object.fromEntries(got) }));
    });
    return () => {
      alive = false;
    };
    // names is only read to skip known ids
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items]);


  return (
    <>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      <Table<PartyMember>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1000 }}
        data-testid="party-member-table"
        locale={{ emptyText: t('party.noMembers') }}
        columns={[
          {
            title: t('party.person'),
            key: 'name',
            width: 110,
            render: (_: unknown, m) => <Link to={`/people/${m.personId}`}>{m.name ?? names[m.personId] ?? `#${m.personId}`}</Link>,
          },
          { title: t('party.idNumber'), dataIndex: 'idMasked', width: 180, render: (v: string | null) => <span className="mono">{v ?? ''}</span> },
          {
            title: t('party.membership'),
            dataIndex: 'membership',
            width: 90,
            render: (m: string) => <Tag color={m === 'probationary' ? 'orange' : 'red'}>{labels.membership(m)}</Tag>,
          },
          { title: t('party.joinedOn'), dataIndex: 'joinedOn', width: 110 },
          ...(showOrg ? [{ title: t('party.org'), key: 'org', width: 160, ellipsis: true, render: (_: unknown, m: PartyMember) => m.partyOrg.name }] : []),
          {
            title: t('party.inService'),
            dataIndex: 'inService',
            width: 90,
            render: (v: boolean) => (v ? <Tag color="blue">{t('party.inServiceTag')}</Tag> : null),
          },
          { title: t('party.workUnit'), dataIndex: 'workUnit', ellipsis: true },
          {
            title: t('party.dualReport'),
            key: 'home',
            width: 200,
            render: (_: unknown, m) =>
              m.homeCommunity ? (
                <span>
                  {m.homeCommunity.name}
                  {m.reportedOn && <span className="muted-level">{m.reportedOn}</span>}
                </span>
              ) : m.inService ? (
                <Tag color="orange">{t('party.notReported')}</Tag>
              ) : null,
          },
        ]}
        footer={
          items.length || cursor
            ? () => (
                <LoadMoreFooter shown={items.length} cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
              )
            : undefined
        }
      />
    </>
  );
}

// ---- page -------------------------------------------------------------------------------------

export default function PartyPage() {
  const { t } = useI18n();
  const labels = usePartyLabels();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const selectedId = params.get('id') ? Number(params.get('id')) : null;
  const [nodes, setNodes] = useState<Record<number, PartyOrg>>({});
  const [children, setChildren] = useState<Record<string, number[]>>({});
  const [expanded, setExpanded] = useState<string[]>([]);
  const [treeError, setTreeError] = useState<string | null>(null);
  const [rootLoaded, setRootLoaded] = useState(false);
  const [detail, setDetail] = useState<PartyOrgDetail | null>(null);
  const [detailError, setDetailError] = useState<string | null>(null);
  const [addOrg, setAddOrg] = useState<{ open: boolean; parent: PartyOrgDetail | null }>({ open: false, parent: null });
  const [addMember, setAddMember] = useState(false);
  const [memberScope, setMemberScope] = useState<'direct' | 'subtree'>('direct');
  const [inServiceOnly, setInServiceOnly] = useState(false);
  const [memberVersion, setMemberVersion] = useState(0);
  const canWrite = can('party.write');

  const childrenRef = useRef(children);
  childrenRef.current = children;

  const loadChildren = useCallback(async (parentId: number | null, force = false) => {
    const key = parentId === null ? 'root' : String(parentId);
    if (!force && childrenRef.current[key]) return;
    const list = await partyApi.orgs(parentId === null ? {} : { parentId });
    setNodes((n) => ({ ...n, ...Object.fromEntries(list.map((o) => [o.id, o])) }));
    setChildren((c) => ({ ...c, [key]: list.map((o) => o.id) }));
    if (parentId === null) setRootLoaded(true);
  }, []);

  useEffect(() => {
    loadChildren(null).catch((err: unknown) => {
      setTreeError(errorMessage(err));
      setRootLoaded(true);
    });
    // once
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Select the first top organisation when nothing is chosen.
  useEffect(() => {
    if (!selectedId && children.root?.length) setParams({ id: String(children.root[0]) }, { replace: true });
  }, [selectedId, children.root, setParams]);

  const loadDetail = useCallback(async (id: number) => {
    try {
      const d = await partyApi.get(id);
      setDetail(d);
      setDetailError(null);
      // Reveal it in the tree: load each ancestor's children, root first.
      const chain = d.ancestors.map((a) => a.id);
      for (const a of chain) await loadChildren(a).catch(() => undefined);
      setExpanded((e) => Array.from(new Set([...e, ...chain.map(String)])));
    } catch (err) {
      setDetail(null);
      setDetailError(errorMessage(err));
    }
  }, [loadChildren]);

  useEffect(() => {
    if (selectedId) void loadDetail(selectedId);
  }, [selectedId, loadDetail]);

  const treeData = useMemo((): PartyNode[] => {
    const build = (id: number, depth: number): PartyNode | null => {
      const o = nodes[id];
      if (!o || depth > 10) return null;
      return {
        key: String(o.id),
        org: o,
        isLeaf: o.childCount === 0,
        children: children[String(id)]?.map((c) => build(c, depth + 1)).filter((n): n is PartyNode => !!n),
      };
    };
    return (children.root ?? []).map((r) => build(r, 0)).filter((n): n is PartyNode => !!n);
  }, [nodes, children]);

  const onOrgCreated = async (o: PartyOrgDetail) => {
    setAddOrg({ open: false, parent: null });
    await loadChildren(o.parentId, true).catch(() => undefined);
    if (o.parentId) {
      setExpanded((e) => Array.from(new Set([...e, String(o.parentId)])));
      setNodes((n) => (n[o.parentId!] ? { ...n, [o.parentId!]: { ...n[o.parentId!]!, childCount: n[o.parentId!]!.childCount + 1 } } : n));
    }
    setParams({ id: String(o.id) });
  };

  const isCommunity = detail?.attachedTo === 'region' && detail.region.level === 'community';

  return (
    <Row gutter={16}>
      <Col xs={24} md={9} xl={7}>
        <Card
          size="small"
          title={t('party.tree')}
          extra={
            canWrite && (
              <Button size="small" icon={<PlusOutlined />} onClick={() => setAddOrg({ open: true, parent: null })} data-testid="party-add-root">
                {t('party.addRoot')}
              </Button>
            )
          }
        >
          {treeError && <Alert type="error" showIcon title={treeError} style={{ marginBottom: 8 }} />}
          <div data-testid="party-tree" className="region-tree">
            {!rootLoaded ? (
              <Spin />
            ) : treeData.length === 0 ? (
              <Empty description={t('party.empty')} />
            ) : (
              <Tree<PartyNode>
                treeData={treeData}
                blockNode
                showLine={{ showLeafIcon: false }}
                expandedKeys={expanded}
                onExpand={(keys) => setExpanded(keys.map(String))}
                loadedKeys={Object.keys(children).filter((k) => k !== 'root')}
                loadData={async (n) => {
                  try {
                    await loadChildren(Number(n.key));
                  } catch (err) {
                    setTreeError(errorMessage(err));
                    throw err;
                  }
                }}
                selectedKeys={selectedId ? [String(selectedId)] : []}
                onSelect={(_, info) => setParams({ id: info.node.key })}
                titleRender={(n) => (
                  <span className="region-node">
                    <span data-testid={`party-node-${n.org.id}`}>{n.org.name}</span>
                    <span className="muted-level">{labels.level(n.org.level, n.org.levelName)}</span>
                    {n.org.memberCount > 0 && <span className="muted-level">{t('party.memberCountShort', { n: n.org.memberCount })}</span>}
                  </span>
                )}
              />
            )}
          </div>
        </Card>
      </Col>
      <Col xs={24} md={15} xl={17}>
        <Card
          size="small"
          title={detail ? detail.name : t('party.details')}
          data-testid="party-details"
          extra={
            detail &&
            canWrite && (
              <Space wrap>
                {CHILD_LEVELS[detail.level as PartyLevel]?.length > 0 && (
                  <Button icon={<PlusOutlined />} onClick={() => setAddOrg({ open: true, parent: detail })} data-testid="party-add-child">
                    {t('party.addChild')}
                  </Button>
                )}
                <Button icon={<UserAddOutlined />} onClick={() => setAddMember(true)} data-testid="party-add-member">
                  {t('party.addMember')}
                </Button>
              </Space>
            )
          }
        >
          {detailError && <Alert type="error" showIcon title={detailError} />}
          {!detail && !detailError && <Empty description={t('party.selectHint')} />}
          {detail && (
            <>
              <Descriptions
                size="small"
                bordered
                column={{ xs: 1, md: 2 }}
                items={[
                  { key: 'level', label: t('party.level'), children: <Tag color="red">{labels.level(detail.level, detail.levelName)}</Tag> },
                  {
                    key: 'parent',
                    label: t('party.parent'),
                    children: detail.ancestors.length ? (
                      <a
                        href={`/party?id=${detail.ancestors[detail.ancestors.length - 1]!.id}`}
                        onClick={(e) => {
                          e.preventDefault();
                          setParams({ id: String(detail.ancestors[detail.ancestors.length - 1]!.id) });
                        }}
                      >
                        {detail.ancestors[detail.ancestors.length - 1]!.name}
                      </a>
                    ) : (
                      t('common.none')
                    ),
                  },
                  {
                    key: 'attached',
                    label: t('party.attachTo'),
                    children: detail.organisation ? (
                      <Link to={`/orgs/${detail.organisation.id}`}>{detail.organisation.name}</Link>
                    ) : (
                      <Link to={`/regions?code=${encodeURIComponent(detail.region.code)}`}>{detail.region.name}</Link>
                    ),
                  },
                  { key: 'secretary', label: t('party.secretary'), children: detail.secretary || t('common.none') },
                  { key: 'founded', label: t('party.foundedOn'), children: detail.foundedOn || t('common.none') },
                  { key: 'children', label: t('party.childCount'), children: detail.childCount },
                ]}
              />
              <Row gutter={16} style={{ margin: '16px 0' }}>
                <Col span={6}>
                  <Statistic title={t('party.stat.direct')} value={detail.members.direct} />
                </Col>
                <Col span={6}>
                  <Statistic title={t('party.stat.total')} value={detail.members.total} />
                </Col>
                <Col span={6}>
                  <Statistic title={t('party.stat.inService')} value={detail.members.totalInService} />
                </Col>
                <Col span={6}>
                  <Statistic title={t('party.stat.probationary')} value={detail.members.totalProbationary} />
                </Col>
              </Row>
              <Tabs
                items={[
                  {
                    key: 'members',
                    label: t('party.members'),
                    children: (
                      <>
                        <Space wrap style={{ marginBottom: 8 }}>
                          <Segmented<'direct' | 'subtree'>
                            value={memberScope}
                            onChange={setMemberScope}
                            options={[
                              { value: 'direct', label: t('party.membersDirect') },
                              { value: 'subtree', label: t('party.membersSubtree') },
                            ]}
                          />
                          <Checkbox checked={inServiceOnly} onChange={(e) => setInServiceOnly(e.target.checked)}>
                            {t('party.inServiceOnly')}
                          </Checkbox>
                        </Space>
                        <MembersTable
                          key={`${detail.id}-${memberVersion}`}
                          showOrg={memberScope === 'subtree'}
                          query={{ orgId: detail.id, subtree: memberScope === 'subtree' || undefined, inService: inServiceOnly || undefined }}
                        />
                      </>
                    ),
                  },
                  ...(isCommunity
                    ? [
                        {
                          key: 'reported',
                          label: t('party.reportedHere'),
                          children: <MembersTable key={`home-${detail.region.code}-${memberVersion}`} showOrg query={{ homeCommunity: detail.region.code, inService: true }} />,
                        },
                      ]
                    : []),
                ]}
              />
              <AddMemberModal
                org={detail}
                open={addMember}
                onClose={() => setAddMember(false)}
                onCreated={() => {
                  setAddMember(false);
                  setMemberVersion((v) => v + 1);
                  void loadDetail(detail.id);
                }}
              />
            </>
          )}
        </Card>
      </Col>
      <AddOrgModal parent={addOrg.parent} open={addOrg.open} onClose={() => setAddOrg({ open: false, parent: null })} onCreated={(o) => void onOrgCreated(o)} />
    </Row>
  );
}
