import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Descriptions, Drawer, Empty, Result, Space, Spin, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import { ApartmentOutlined, ArrowLeftOutlined, EditOutlined, PlusOutlined, UnorderedListOutlined, UserAddOutlined } from '@ant-design/icons';
import { ApiError, errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { useI18n } from '../../shared/i18n';
import { householdsApi, housesApi, type BuildingLayout, type HouseholdDetail, type LayoutHouse } from '../../shared/registry';
import { ColourChip } from '../people/bits';
import { textOn, useCatalogue } from '../people/catalogue';
import { useRegistryLabels } from '../people/labels';
import { HouseEditModal } from './HousesPage';
import '../people/people.css';

/** A column of the grid: one entrance (单元), or houses without one. */
interface Column {
  key: string;
  entranceId: number | null;
  title: string;
  /** Widest floor in this entrance (so cells line up). */
  slots: number;
}

type GridRow = { kind: 'floor'; floor: number } | { kind: 'gap'; from: number; to: number };

const byRoom = (a: LayoutHouse, b: LayoutHouse) => (a.room ?? '').localeCompare(b.room ?? '', 'zh-CN', { numeric: true });

/**
 * 楼栋视图: floors (top floor at the top) × entrances, each house a cell filled with its household's
 * card colour; several households split the cell, vacant houses are hatched. Runs of floors with no
 * registered houses fold into one row.
 */
export default function BuildingViewPage() {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const { can } = useAuth();
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const [params] = useSearchParams();
  const focusHouse = Number(params.get('house')) || null;
  const { colours, colourOf } = useCatalogue();
  const [layout, setLayout] = useState<BuildingLayout | null>(null);
  const [error, setError] = useState<ApiError | string | null>(null);
  const [selected, setSelected] = useState<LayoutHouse | null>(null);

  const load = useCallback(async () => {
    try {
      const l = await housesApi.layout(id);
      setLayout(l);
      setError(null);
      setSelected((s) => (s ? (l.houses.find((h) => h.id === s.id) ?? null) : s));
    } catch (err) {
      setError(err instanceof ApiError ? err : errorMessage(err));
    }
  }, [id]);

  useEffect(() => {
    setLayout(null);
    if (id > 0) void load();
  }, [id, load]);

  const model = useMemo(() => {
    if (!layout) return null;
    const entranceIds = new Set(layout.entrances.map((e) => e.id));
    const byCell = new Map<string, LayoutHouse[]>();
    const keyOf = (entranceId: number | null, floor: number) => `${entranceId ?? 'none'}:${floor}`;
    let minFloor = 1;
    let maxFloor = layout.building.floors || 1;
    let orphan = false;
    for (const h of layout.houses) {
      const floor = h.floor ?? 1;
      const eid = h.entranceId != null && entranceIds.has(h.entranceId) ? h.entranceId : null;
      if (eid === null) orphan = true;
      const k = keyOf(eid, floor);
      byCell.set(k, [...(byCell.get(k) ?? []), h]);
      minFloor = Math.min(minFloor, floor);
      maxFloor = Math.max(maxFloor, floor);
    }
    for (const list of byCell.values()) list.sort(byRoom);
    const entrances = [...layout.entrances].sort((a, b) => a.no - b.no);
    const columns: Column[] = entrances.map((e) => ({ key: String(e.id), entranceId: e.id, title: e.name || t('building.entranceN', { n: e.no }), slots: 1 }));
    if (orphan || !columns.length) columns.push({ key: 'none', entranceId: null, title: t('building.noEntrance'), slots: 1 });
    for (const c of columns) {
      for (const [k, list] of byCell) if (k.startsWith(`${c.entranceId ?? 'none'}:`)) c.slots = Math.max(c.slots, list.length);
    }
    // Floors top-down, folding runs of 3+ floors without houses.
    const occupiedFloors = new Set(layout.houses.map((h) => h.floor ?? 1));
    const rows: GridRow[] = [];
    let run: number[] = [];
    const flush = () => {
      if (run.length >= 3) rows.push({ kind: 'gap', from: run[run.length - 1]!, to: run[0]! });
      else for (const f of run) rows.push({ kind: 'floor', floor: f });
      run = [];
    };
    for (let f = maxFloor; f >= minFloor; f--) {
      if (f === 0) continue;
      if (occupiedFloors.has(f)) {
        flush();
        rows.push({ kind: 'floor', floor: f });
      } else run.push(f);
    }
    flush();
    const households = layout.houses.flatMap((h) => h.households);
    const colourCounts = new Map<string, number>();
    for (const hh of households) colourCounts.set(hh.colour ?? '', (colourCounts.get(hh.colour ?? '') ?? 0) + 1);
    return {
      cell: (c: Column, floor: number) => byCell.get(keyOf(c.entranceId, floor)) ?? [],
      columns,
      rows,
      stats: {
        houses: layout.houses.length,
        households: households.length,
        residents: households.reduce((n, h) => n + h.members, 0),
        vacant: layout.houses.filter((h) => h.occupancy === 'vacant').length,
      },
      colourCounts,
    };
  }, [layout, t]);

  // Coming from a person, household or the house list: bring that house into view.
  useEffect(() => {
    if (!model || !focusHouse) return;
    const el = document.querySelector(`[data-testid="house-cell-${focusHouse}"]`);
    el?.scrollIntoView({ block: 'center', inline: 'center' });
  }, [model, focusHouse]);

  if (error) {
    const e = typeof error === 'string' ? error : error.display;
    if (error instanceof ApiError && error.status === 404) return <Result status="404" title="404" subTitle={e} />;
    return <Alert type="error" showIcon title={e} />;
  }
  if (!layout || !model) return <Spin style={{ display: 'block', margin: '64px auto' }} />;
  const b = layout.building;

  const cellView = (h: LayoutHouse) => {
    const vacant = !h.households.length && h.occupancy === 'vacant';
    const empty = !h.households.length && !vacant;
    const noColour = h.households.length > 0 && h.households.every((x) => !x.colour);
    const cls = ['house-cell', vacant ? 'vacant' : '', empty ? 'empty' : '', noColour ? 'nocolour' : '', selected?.id === h.id || focusHouse === h.id ? 'selected' : '']
      .filter(Boolean)
      .join(' ');
    const tip = (
      <div>
        <div>{h.address}</div>
        {h.households.map((x) => (
          <div key={x.id}>
            {t('household.headOf', { name: x.headName ?? '—' })} · {t('household.memberCount', { n: x.members })}
            {x.colour ? ` · ${colourOf(x.colour)?.name ?? x.colour}` : ''}
          </div>
        ))}
        {!h.households.length && <div>{vacant ? labels.occupancy('vacant') : t('building.noResidents')}</div>}
      </div>
    );
    return (
      <Tooltip key={h.id} title={tip} mouseEnterDelay={0.4}>
        <button type="button" className={cls} data-testid={`house-cell-${h.id}`} onClick={() => setSelected(h)} aria-label={h.address}>
          {h.households.length ? (
            h.households.map((x, i) => {
              const hex = colourOf(x.colour)?.hex;
              return (
                <span
                  key={x.id}
                  className={hex ? 'house-cell-part' : 'house-cell-part nocolour-part'}
                  style={hex ? { background: hex, color: textOn(hex) } : undefined}
                  data-colour={x.colour ?? ''}
                >
                  {i === 0 ? <span className="house-cell-room">{h.room}</span> : <span className="house-cell-room">&nbsp;</span>}
                  <span className="house-cell-name">{x.headName ?? '—'}</span>
                  <span className="house-cell-count">{t('household.memberCount', { n: x.members })}</span>
                </span>
              );
            })
          ) : (
            <span className="house-cell-part">
              <span className="house-cell-room">{h.room}</span>
              <span className="house-cell-name">
                {vacant ? labels.occupancy('vacant') : h.occupancy === 'unknown' ? t('building.noResidents') : labels.occupancy(h.occupancy)}
              </span>
              <span className="house-cell-count">&nbsp;</span>
            </span>
          )}
        </button>
      </Tooltip>
    );
  };

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Card
        size="small"
        title={
          <Space>
            <Button type="text" size="small" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={t('reg.back')} />
            <span data-testid="building-name">{b.name}</span>
            <Typography.Text type="secondary" style={{ fontWeight: 400 }}>
              {b.address}
            </Typography.Text>
          </Space>
        }
        extra={
          <Space wrap>
            {can('house.write') && (
              <Button icon={<PlusOutlined />} onClick={() => navigate(`/houses?buildingId=${b.id}&new=1`)} data-testid="building-add-house">
                {t('house.create')}
              </Button>
            )}
            <Button icon={<UnorderedListOutlined />} onClick={() => navigate(`/houses?buildingId=${b.id}`)}>
              {t('building.houseList')}
            </Button>
            {can('region.read') && (
              <Button icon={<ApartmentOutlined />} onClick={() => navigate(`/regions?code=${encodeURIComponent(b.regionCode)}`)}>
                {t('building.inRegions')}
              </Button>
            )}
          </Space>
        }
      >
        <Space size={32} wrap>
          <Statistic title={t('building.floors')} value={b.floors} />
          <Statistic title={t('building.entrances')} value={layout.entrances.length} />
          <Statistic title={t('building.houses')} value={model.stats.houses} />
          <Statistic title={t('building.households')} value={model.stats.households} />
          <Statistic title={t('building.residents')} value={model.stats.residents} />
          <Statistic title={t('building.vacant')} value={model.stats.vacant} />
        </Space>
      </Card>
      <Card size="small">
        <div className="building-legend" data-testid="building-legend">
          {colours.map((c) => (
            <Tooltip key={c.code} title={c.meaning}>
              <span className="legend-item">
                <span className="legend-swatch" style={{ background: c.hex }} />
                <span>
                  {c.name}
                  <span className="muted-level">{t('building.legendCount', { n: model.colourCounts.get(c.code) ?? 0 })}</span>
                </span>
                <span className="muted-level" style={{ marginInlineStart: 0 }}>
                  {c.meaning.split(/[：:]/)[0]}
                </span>
              </span>
            </Tooltip>
          ))}
          <span className="legend-item">
            <span className="legend-swatch nocolour" />
            {t('colour.none')}
            <span className="muted-level">{t('building.legendCount', { n: model.colourCounts.get('') ?? 0 })}</span>
          </span>
          <span className="legend-item">
            <span className="legend-swatch vacant" />
            {labels.occupancy('vacant')}
          </span>
          <span className="legend-item">
            <span className="legend-swatch empty" style={{ borderStyle: 'dashed' }} />
            {t('building.noResidents')}
          </span>
        </div>
        {!layout.houses.length ? (
          <Empty description={t('building.noHouses')}>
            {can('house.write') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`/houses?buildingId=${b.id}&new=1`)}>
                {t('house.create')}
              </Button>
            )}
          </Empty>
        ) : (
          <div className="building-scroll">
            <table className="building-grid" data-testid="building-view">
              <thead>
                <tr>
                  <th className="floor-col">{t('building.floor')}</th>
                  {model.columns.map((c) => (
                    <th key={c.key} className="entrance-cell">
                      {c.title}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {model.rows.map((r) =>
                  r.kind === 'gap' ? (
                    <tr key={`gap-${r.from}`} className="gap-row">
                      <td className="floor-col">
                        {r.from}–{r.to}
                      </td>
                      <td colSpan={model.columns.length}>{t('building.gap', { from: r.from, to: r.to })}</td>
                    </tr>
                  ) : (
                    <tr key={r.floor} data-floor={r.floor}>
                      <td className="floor-col">{t('building.floorN', { n: r.floor })}</td>
                      {model.columns.map((c) => {
                        const list = model.cell(c, r.floor);
                        return (
                          <td key={c.key} className="entrance-cell">
                            <div className="floor-houses">
                              {list.map(cellView)}
                              {Array.from({ length: c.slots - list.length }, (_, i) => (
                                <span key={`p${i}`} className="house-placeholder" />
                              ))}
                            </div>
                          </td>
                        );
                      })}
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <HouseDrawer house={selected} onClose={() => setSelected(null)} onChanged={() => void load()} />
    </Space>
  );
}

/** The clicked house: its details, households and members, and where to go next. */
function HouseDrawer({ house, onClose, onChanged }: { house: LayoutHouse | null; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const labels = useRegistryLabels();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [details, setDetails] = useState<Record<number, HouseholdDetail>>({});
  const [editing, setEditing] = useState(false);

  useEffect(() => {
    if (!house) return;
    let alive = true;
    for (const h of house.households) {
      householdsApi
        .get(h.id)
        .then((d) => alive && setDetails((x) => ({ ...x, [d.id]: d })))
        .catch(() => undefined);
    }
    return () => {
      alive = false;
    };
  }, [house]);

  return (
    <Drawer
      open={!!house}
      onClose={onClose}
      size={480}
      title={house?.address}
      data-testid="house-drawer-view"
      extra={
        house &&
        can('house.write') && (
          <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(true)}>
            {t('common.edit')}
          </Button>
        )
      }
    >
      {house && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Descriptions
            size="small"
            column={2}
            items={[
              { key: 'floor', label: t('house.floor'), children: house.floor ?? '' },
              { key: 'room', label: t('house.room'), children: house.room ?? '' },
              { key: 'area', label: t('house.area'), children: house.areaM2 == null ? t('common.none') : house.areaM2 },
              { key: 'use', label: t('house.use'), children: labels.houseUse(house.use) },
              { key: 'occ', label: t('house.occupancy'), children: labels.occupancy(house.occupancy) },
            ]}
          />
          {house.households.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('building.noResidents')} />}
          {house.households.map((hh) => {
            const d = details[hh.id];
            return (
              <Card
                key={hh.id}
                size="small"
                title={
                  <Space>
                    <ColourChip code={hh.colour} />
                    <span>{t('household.headOf', { name: hh.headName ?? '—' })}</span>
                    <Tag>{t('household.memberCount', { n: hh.members })}</Tag>
                  </Space>
                }
                extra={
                  <Link to={`/households/${hh.id}`} data-testid={`drawer-household-${hh.id}`}>
                    {t('household.open')}
                  </Link>
                }
              >
                {d?.colourNote && <Typography.Paragraph type="secondary">{d.colourNote}</Typography.Paragraph>}
                {d ? (
                  <Table
                    size="small"
                    rowKey="personId"
                    pagination={false}
                    dataSource={d.members}
                    columns={[
                      { title: t('person.name'), dataIndex: 'name', render: (v: string, m) => <Link to={`/people/${m.personId}`}>{v}</Link> },
                      { title: t('person.relation'), dataIndex: 'relation', render: (v: string) => labels.relation(v) },
                      { title: t('person.sex'), dataIndex: 'sex', render: (v: string) => labels.sex(v) },
                      { title: t('person.age'), dataIndex: 'age' },
                    ]}
                  />
                ) : (
                  <Spin size="small" />
                )}
              </Card>
            );
          })}
          {can('person.write') && (
            <Button icon={<UserAddOutlined />} onClick={() => navigate(`/people/new?houseId=${house.id}`)} data-testid="drawer-add-person">
              {t('building.addPerson')}
            </Button>
          )}
        </Space>
      )}
      <HouseEditModal
        house={editing ? house : null}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          onChanged();
        }}
      />
    </Drawer>
  );
}
