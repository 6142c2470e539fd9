import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Descriptions, Dropdown, Empty, Result, Space, Spin, Table, Tabs, Tag, Typography, type MenuProps } from 'antd';
import { ArrowLeftOutlined, DownOutlined, EditOutlined, HomeOutlined, LoginOutlined, LogoutOutlined, StopOutlined } from '@ant-design/icons';
import { ApiError, errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { housesApi, peopleApi, type FieldWarning, type HouseDetail, type HouseholdMember, type PersonDetail } from '../../shared/registry';
import { ColourChip, RegionName, SourceNote, StatusTag, TagList } from './bits';
import { useRegistryLabels } from './labels';
import { EventTimeline, LeaveModal, MoveInModal, type LifeEventKind } from './LifeEvents';
import { PersonEditDrawer } from './PersonEditDrawer';
import { PersonHistory } from './PersonHistory';
import { UnmaskableValue } from './Unmask';

/** Provenance key of a displayed field (imports record the residence as `house`). */
const PROVENANCE_KEY: Record<string, string> = { address: 'house' };

export default function PersonDetailPage() {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const { can } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const { id: idParam } = useParams();
  const id = Number(idParam);
  const [person, setPerson] = useState<PersonDetail | null>(null);
  const [error, setError] = useState<ApiError | string | null>(null);
  const [house, setHouse] = useState<HouseDetail | null>(null);
  const [editing, setEditing] = useState(false);
  const [event, setEvent] = useState<LifeEventKind | null>(null);
  const [tab, setTab] = useState('info');
  const [warnings, setWarnings] = useState<FieldWarning[] | null>((location.state as { warnings?: FieldWarning[] } | null)?.warnings ?? null);

  const load = useCallback(async () => {
    try {
      setPerson(await peopleApi.get(id));
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err : errorMessage(err));
    }
  }, [id]);

  useEffect(() => {
    setPerson(null);
    if (Number.isInteger(id) && id > 0) void load();
  }, [id, load]);

  // The house, for a link to its building view.
  useEffect(() => {
    setHouse(null);
    if (!person?.houseId || !can('house.read')) return;
    let alive = true;
    housesApi
      .get(person.houseId)
      .then((h) => alive && setHouse(h))
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [person?.houseId, can]);

  if (!Number.isInteger(id) || id <= 0) return <Result status="404" title="404" subTitle={t('person.notFound')} />;
  if (error) {
    if (error instanceof ApiError && error.status === 404)
      return (
        <Result
          status="404"
          title="404"
          subTitle={error.display}
          extra={<Button onClick={() => navigate('/people')}>{t('person.backToList')}</Button>}
        />
      );
    return <Alert type="error" showIcon title={typeof error === 'string' ? error : error.display} />;
  }
  if (!person) return <Spin style={{ display: 'block', margin: '64px auto' }} />;

  const canWrite = can('person.write');
  const active = person.status === 'active';
  // Per-field sources once departments have contributed; a record entered by hand has one source for everything.
  const perField = Object.keys(person.provenance).some((k) => k !== '_all');
  const stamp = (field: string) => person.provenance[PROVENANCE_KEY[field] ?? field] ?? (perField ? person.provenance._all : undefined);
  const withSource = (field: string, node: React.ReactNode) => (
    <div>
      {node}
      <SourceNote stamp={stamp(field)} />
    </div>
  );
  const household = person.household;
  const headName = household?.members.find((m) => m.personId === household.headPersonId)?.name;
  const personNames = Object.fromEntries((household?.members ?? []).map((m) => [m.personId, m.name]));
  personNames[person.id] = person.name;

  const eventMenu: MenuProps['items'] = [
    { key: 'move_in', icon: <LoginOutlined />, label: <span data-testid="event-move-in">{t('event.action.move_in')}</span> },
    { key: 'move_out', icon: <LogoutOutlined />, label: <span data-testid="event-move-out">{t('event.action.move_out')}</span>, disabled: !active },
    { key: 'death', icon: <StopOutlined />, label: <span data-testid="event-death">{t('event.action.death')}</span>, disabled: !active, danger: true },
  ];

  const onChanged = (p: PersonDetail) => {
    setPerson(p);
    setEditing(false);
    setEvent(null);
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small">
        <div className="person-header">
          <Button type="text" size="small" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={t('reg.back')} />
          <span className="person-header-name" data-testid="person-name">
            {person.name}
          </span>
          <span>
            {labels.sex(person.sex)} · {t('household.ageN', { n: person.age })}
          </span>
          <StatusTag status={person.status} />
          {person.colour && <ColourChip code={person.colour} />}
          <TagList codes={person.tags} />
          <span style={{ flex: 1 }} />
          {canWrite && (
            <Space wrap>
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="person-edit">
                {t('common.edit')}
              </Button>
              <Dropdown menu={{ items: eventMenu, onClick: ({ key }) => setEvent(key as LifeEventKind) }} trigger={['click']}>
                <Button data-testid="person-events">
                  {t('event.actions')} <DownOutlined />
                </Button>
              </Dropdown>
            </Space>
          )}
        </div>
      </Card>
      {warnings && (
        <Alert
          type="warning"
          showIcon
          closable={{ onClose: () => setWarnings(null) }}
          title={t('personNew.warnings', { name: person.name })}
          description={warnings.map((w) => w.message).join('；')}
          data-testid="person-warnings"
        />
      )}
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            {
              key: 'info',
              label: t('person.tab.info'),
              children: (
                <Descriptions
                  size="small"
                  bordered
                  column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }}
                  data-testid="person-info"
                  items={[
                    { key: 'name', label: t('person.name'), children: withSource('name', person.name) },
                    {
                      key: 'idNumber',
                      label: t('person.idNumber'),
                      children: withSource('idNumber', <UnmaskableValue personId={person.id} field="idNumber" masked={person.idNumber} canUnmask={person.canUnmask} />),
                    },
                    { key: 'sex', label: t('person.sex'), children: `${labels.sex(person.sex)}（${t('person.fromId')}）` },
                    { key: 'birthDate', label: t('person.birthDate'), children: `${person.birthDate}（${t('household.ageN', { n: person.age })}）` },
                    {
                      key: 'phone',
                      label: t('person.phone'),
                      children: withSource('phone', <UnmaskableValue personId={person.id} field="phone" masked={person.phone} canUnmask={person.canUnmask} />),
                    },
                    { key: 'ethnicity', label: t('person.ethnicity'), children: withSource('ethnicity', person.ethnicity ?? t('common.none')) },
                    { key: 'politicalStatus', label: t('person.politicalStatus'), children: withSource('politicalStatus', labels.political(person.politicalStatus)) },
                    { key: 'status', label: t('person.status'), children: <StatusTag status={person.status} /> },
                    {
                      key: 'address',
                      label: t('person.address'),
                      span: 'filled',
                      children: withSource(
                        'address',
                        person.address ? (
                          <Space size={8} wrap>
                            <span>{person.address}</span>
                            {house?.buildingId && (
                              <Link to={`/buildings/${house.buildingId}?house=${house.id}`} data-testid="person-building-link">
                                <HomeOutlined /> {t('building.view')}
                              </Link>
                            )}
                          </Space>
                        ) : (
                          <Typography.Text type="secondary">{t('person.noHouse')}</Typography.Text>
                        ),
                      ),
                    },
                    {
                      key: 'registeredAddress',
                      label: t('person.registeredAddress'),
                      span: 'filled',
                      children: withSource('registeredAddress', person.registeredAddress ?? t('common.none')),
                    },
                    {
                      key: 'region',
                      label: t('person.region'),
                      children: <RegionName code={person.regionCode} />,
                    },
                    {
                      key: 'household',
                      label: t('person.household'),
                      children: household ? (
                        <Space size={8} wrap>
                          <Link to={`/households/${household.id}`} data-testid="person-household-link">
                            {household.householdNo ?? t('household.headOf', { name: headName ?? '—' })}
                          </Link>
                          <span>{labels.relation(person.relation)}</span>
                          <ColourChip code={household.colour} />
                        </Space>
                      ) : (
                        <Typography.Text type="secondary">{t('person.noHousehold')}</Typography.Text>
                      ),
                    },
                    { key: 'tags', label: t('person.tags'), children: withSource('tags', person.tags.length ? <TagList codes={person.tags} /> : t('common.none')) },
                    {
                      key: 'version',
                      label: t('person.version'),
                      children: (
                        <div>
                          <span className="mono">v{person.version}</span>
                          {!perField && <SourceNote stamp={person.provenance._all} />}
                        </div>
                      ),
                    },
                  ]}
                />
              ),
            },
            {
              key: 'household',
              label: t('person.tab.household'),
              children: household ? (
                <HouseholdMembers members={household.members} headId={household.headPersonId} currentId={person.id} householdId={household.id} />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('person.noHousehold')}>
                  {canWrite && active && (
                    <Button type="primary" icon={<LoginOutlined />} onClick={() => setEvent('move_in')}>
                      {t('event.action.move_in')}
                    </Button>
                  )}
                </Empty>
              ),
            },
            { key: 'events', label: t('person.tab.events'), children: <EventTimeline events={person.events} personNames={personNames} selfId={person.id} /> },
            { key: 'history', label: t('person.tab.history'), children: tab === 'history' ? <PersonHistory person={person} /> : null },
          ]}
        />
      </Card>
      <PersonEditDrawer person={person} open={editing} onClose={() => setEditing(false)} onSaved={onChanged} onReloaded={setPerson} />
      <MoveInModal person={person} open={event === 'move_in'} onClose={() => setEvent(null)} onDone={onChanged} />
      <LeaveModal person={person} kind="move_out" open={event === 'move_out'} onClose={() => setEvent(null)} onDone={onChanged} />
      <LeaveModal person={person} kind="death" open={event === 'death'} onClose={() => setEvent(null)} onDone={onChanged} />
    </Space>
  );
}

/** Members of a household with links; the head first. Used on the person and household pages. */
export function HouseholdMembers({
  members,
  headId,
  currentId,
  householdId,
  extra,
}: {
  members: HouseholdMember[];
  headId: number | null;
  currentId?: number;
  householdId?: number;
  extra?: React.ReactNode;
}) {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const sorted = [...members].sort((a, b) => Number(b.personId === headId) - Number(a.personId === headId));
  return (
    <>
      <Table<HouseholdMember>
        size="small"
        rowKey="personId"
        pagination={false}
        dataSource={sorted}
        data-testid="household-members"
        columns={[
          {
            title: t('person.name'),
            dataIndex: 'name',
            render: (v: string, m) =>
              m.personId === currentId ? (
                <strong>{v}</strong>
              ) : (
                <Link to={`/people/${m.personId}`} data-testid={`member-${m.personId}`}>
                  {v}
                </Link>
              ),
          },
          {
            title: t('person.relation'),
            dataIndex: 'relation',
            render: (v: string, m) => (m.personId === headId ? <Tag color="red">{labels.relation('head')}</Tag> : labels.relation(v)),
          },
          { title: t('person.sex'), dataIndex: 'sex', render: (v: string) => labels.sex(v) },
          { title: t('person.age'), dataIndex: 'age' },
          { title: t('person.status'), dataIndex: 'status', render: (v: string) => <StatusTag status={v} /> },
          { title: t('household.since'), dataIndex: 'since', render: (v: string | null) => v ?? '' },
        ]}
      />
      {(householdId || extra) && (
        <div style={{ marginTop: 8 }}>
          {householdId && <Link to={`/households/${householdId}`}>{t('household.open')}</Link>}
          {extra}
        </div>
      )}
    </>
  );
}
