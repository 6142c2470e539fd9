/**
 * Grid map: Leaflet drawing the GeoJSON boundaries under one node, with building markers and a
 * "locate" tool. Works without any tile server — the polygons are the map; tiles are only added when
 * GET /api/config provides a tileUrl (GCJ-02 tiles make us ask the server for shifted coordinates).
 */
import 'leaflet/dist/leaflet.css';
import * as L from 'leaflet';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Descriptions, Segmented, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import { AimOutlined, CloseOutlined, ExpandOutlined } from '@ant-design/icons';
import { ApiError, errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { usePublicConfig } from '../../shared/config';
import { gcj02ToWgs84, geoApi, levelRank, regionsApi, type Crs } from '../../shared/geo';
import { useI18n } from '../../shared/i18n';
import type { GridFeatureProps, LocateResult, Region, RegionLevel } from '../../shared/types';
import { useLabels } from '../labels';
import { RegionTreeSelect } from '../regions/RegionTreeSelect';

type MapLevel = Extract<RegionLevel, 'street' | 'community' | 'grid' | 'microgrid'>;
const MAP_LEVELS: MapLevel[] = ['street', 'community', 'grid', 'microgrid'];
type GeoJsonInput = Parameters<typeof L.geoJSON>[0];

const PALETTE = ['#c8161d', '#1677ff', '#13a8a8', '#d48806', '#722ed1', '#389e0d', '#eb2f96', '#2f54eb', '#fa541c', '#08979c'];
const DEFAULT_CENTER: L.LatLngExpression = [39.66, 106.82];

function defaultLevel(node: Region | null): MapLevel {
  switch (node?.level) {
    case 'city':
      return 'street';
    case 'district':
      return 'community';
    case 'microgrid':
      return 'microgrid';
    default:
      return 'grid';
  }
}

function isMapLevel(v: string | null): v is MapLevel {
  return !!v && (MAP_LEVELS as string[]).includes(v);
}

interface LocateState {
  lng: number;
  lat: number;
  result?: LocateResult;
  error?: string;
  loading: boolean;
}

export default function MapPage() {
  const { t } = useI18n();
  const labels = useLabels();
  const { user, can } = useAuth();
  const { config, loaded: configLoaded } = usePublicConfig();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const code = params.get('code') ?? user?.scope?.code ?? null;
  const levelParam = params.get('level');
  const crs: Crs = config.tileUrl && config.tileCrs === 'gcj02' ? 'gcj02' : 'wgs84';

  const [node, setNode] = useState<Region | null>(null);
  const [nodeError, setNodeError] = useState<string | null>(null);
  const level: MapLevel = isMapLevel(levelParam) ? levelParam : defaultLevel(node);

  const containerRef = useRef<HTMLDivElement | null>(null);
  const mapRef = useRef<L.Map | null>(null);
  const gridLayerRef = useRef<L.LayerGroup | null>(null);
  const buildingLayerRef = useRef<L.LayerGroup | null>(null);
  const locateLayerRef = useRef<L.LayerGroup | null>(null);
  const boundsRef = useRef<L.LatLngBounds | null>(null);
  const [count, setCount] = useState<number | null>(null);
  const [buildingCount, setBuildingCount] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [dataError, setDataError] = useState<string | null>(null);
  const [locateMode, setLocateMode] = useState(false);
  const [locate, setLocate] = useState<LocateState | null>(null);
  const locateModeRef = useRef(locateMode);
  locateModeRef.current = locateMode;
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;
  const tRef = useRef(t);
  tRef.current = t;
  const labelsRef = useRef(labels);
  labelsRef.current = labels;

  // --- the node being shown -------------------------------------------------------------------
  useEffect(() => {
    if (!code) return;
    let alive = true;
    setNodeError(null);
    regionsApi
      .get(code)
      .then((r) => alive && setNode(r))
      .catch((err: unknown) => {
        if (!alive) return;
        setNode(null);
        setNodeError(errorMessage(err));
      });
    return () => {
      alive = false;
    };
  }, [code]);

  // --- the Leaflet map itself ------------------------------------------------------------------
  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const map = L.map(el, { zoomControl: true, attributionControl: true, minZoom: 3, maxZoom: 19, zoomSnap: 0.25 });
    map.setView(DEFAULT_CENTER, 10);
    map.attributionControl.setPrefix('Leaflet');
    gridLayerRef.current = L.layerGroup().addTo(map);
    buildingLayerRef.current = L.layerGroup().addTo(map);
    locateLayerRef.current = L.layerGroup().addTo(map);
    mapRef.current = map;
    const ro = new ResizeObserver(() => map.invalidateSize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // --- optional background tiles -----------------------------------------------------------------
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !config.tileUrl) return;
    const layer = L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
    layer.bringToBack();
    return () => {
      layer.remove();
    };
  }, [config.tileUrl, config.tileAttribution]);

  // --- locate tool ---------------------------------------------------------------------------------
  const doLocate = useCallback(
    async (latlng: L.LatLng) => {
      // Clicks are in the display CRS; the server answers in WGS84.
      const [lng, lat] = crs === 'gcj02' ? gcj02ToWgs84(latlng.lng, latlng.lat) : [latlng.lng, latlng.lat];
      const layer = locateLayerRef.current;
      layer?.clearLayers();
      if (layer) L.circleMarker(latlng, { radius: 7, color: '#fff', weight: 2, fillColor: '#c8161d', fillOpacity: 1 }).addTo(layer);
      setLocate({ lng, lat, loading: true });
      try {
        const result = await geoApi.locate(lng, lat);
        setLocate({ lng, lat, result, loading: false });
      } catch (err) {
        setLocate({ lng, lat, loading: false, error: err instanceof ApiError ? err.display : errorMessage(err) });
      }
    },
    [crs],
  );
  const doLocateRef = useRef(doLocate);
  doLocateRef.current = doLocate;

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const onClick = (e: L.LeafletMouseEvent) => {
      if (locateModeRef.current) void doLocateRef.current(e.latlng);
    };
    map.on('click', onClick);
    return () => {
      map.off('click', onClick);
    };
  }, []);

  useEffect(() => {
    const el = containerRef.current;
    if (el) el.classList.toggle('locate-mode', locateMode);
    if (!locateMode) {
      locateLayerRef.current?.clearLayers();
      setLocate(null);
    }
  }, [locateMode]);

  const fit = useCallback(() => {
    const map = mapRef.current;
    const b = boundsRef.current;
    if (map && b && b.isValid()) map.fitBounds(b, { padding: [24, 24], maxZoom: 18 });
  }, []);

  // --- grid polygons -----------------------------------------------------------------------------
  useEffect(() => {
    const map = mapRef.current;
    const group = gridLayerRef.current;
    if (!map || !group || !code || !node || node.code !== code || !configLoaded) return;
    const ctrl = new AbortController();
    setLoading(true);
    setDataError(null);
    regionsApi
      .gridsGeoJson(code, level, crs, ctrl.signal)
      .then((fc) => {
        group.clearLayers();
        boundsRef.current = null;
        const features = fc.features.filter((f) => f.geometry);
        const n = features.length;
        const permanentLabels = n <= 150;
        let i = 0;
        const layer = L.geoJSON({ ...fc, features } as unknown as GeoJsonInput, {
          style: () => {
            const color = PALETTE[i++ % PALETTE.length] ?? '#1677ff';
            return { color, weight: 1.5, opacity: 0.9, fillColor: color, fillOpacity: 0.14, className: 'grid-polygon' };
          },
          onEachFeature: (feature, lyr) => {
            const p = feature.properties as GridFeatureProps;
            const path = lyr as L.Path;
            // Permanent labels show the name; the code appears while hovering (or always in hover tooltips).
            const text = `${escapeHtml(p.name)}<span class="grid-label-code">${escapeHtml(p.code)}</span>`;
            path.bindTooltip(text, permanentLabels
              ? { permanent: true, direction: 'center', className: 'grid-label' }
              : { sticky: true, direction: 'top', className: 'grid-tooltip' });
            path.on('add', () => path.getElement()?.setAttribute('data-code', p.code));
            path.on('mouseover', () => {
              path.setStyle({ weight: 3, fillOpacity: 0.3 });
              path.getTooltip()?.getElement()?.classList.add('hover');
            });
            path.on('mouseout', () => {
              path.setStyle({ weight: 1.5, fillOpacity: 0.14 });
              path.getTooltip()?.getElement()?.classList.remove('hover');
            });
            path.on('click', (e: L.LeafletMouseEvent) => {
              if (locateModeRef.current) return; // the map's click handler locates
              L.popup({ maxWidth: 280 }).setLatLng(e.latlng).setContent(popupContent(p)).openOn(map);
            });
          },
        });
        layer.addTo(group);
        setCount(n);
        const b = layer.getBounds();
        boundsRef.current = b.isValid() ? b : null;
        if (b.isValid()) map.fitBounds(b, { padding: [24, 24], maxZoom: 18 });
        else fitFallback();
      })
      .catch((err: unknown) => {
        if (ctrl.signal.aborted) return;
        group.clearLayers();
        setCount(0);
        setDataError(errorMessage(err));
      })
      .finally(() => !ctrl.signal.aborted && setLoading(false));
    return () => ctrl.abort();

    /** Nothing drawn: fit to the buildings if any, else centre on the node. */
    function fitFallback() {
      const markers = buildingLayerRef.current?.getLayers() as L.CircleMarker[] | undefined;
      if (markers?.length) {
        const bb = L.latLngBounds(markers.map((m) => m.getLatLng()));
        boundsRef.current = bb;
        map?.fitBounds(bb, { padding: [48, 48], maxZoom: 17 });
      } else if (node?.center) {
        map?.setView([node.center[1], node.center[0]], 14);
      }
    }

    function popupContent(p: GridFeatureProps): HTMLElement {
      const tr = tRef.current;
      const div = document.createElement('div');
      div.className = 'grid-popup';
      div.dataset.testid = 'grid-popup';
      const title = document.createElement('div');
      title.className = 'grid-popup-title';
      title.textContent = p.name;
      const meta = document.createElement('div');
      meta.className = 'grid-popup-meta';
      meta.textContent = `${labelsRef.current.level(p.level)} · ${p.code}`;
      const links = document.createElement('div');
      links.className = 'grid-popup-links';
      const toRegions = document.createElement('a');
      toRegions.href = `/regions?code=${encodeURIComponent(p.code)}`;
      toRegions.textContent = tr('map.openInRegions');
      toRegions.addEventListener('click', (e) => {
        e.preventDefault();
        navigateRef.current(`/regions?code=${encodeURIComponent(p.code)}`);
      });
      links.append(toRegions);
      if (p.code !== code) {
        const drill = document.createElement('a');
        drill.href = `/map?code=${encodeURIComponent(p.code)}`;
        drill.textContent = tr('region.viewOnMap');
        drill.addEventListener('click', (e) => {
          e.preventDefault();
          map?.closePopup();
          navigateRef.current(`/map?code=${encodeURIComponent(p.code)}`);
        });
        links.append(drill);
      }
      div.append(title, meta, links);
      return div;
    }
  }, [code, node, level, crs, configLoaded]);

  // --- buildings of one community / grid -------------------------------------------------------
  const showBuildings = !!node && node.code === code && ['community', 'grid', 'microgrid'].includes(node.level) && can('building.read');
  useEffect(() => {
    const group = buildingLayerRef.current;
    if (!group) return;
    group.clearLayers();
    setBuildingCount(null);
    if (!showBuildings || !code || !configLoaded) return;
    const ctrl = new AbortController();
    regionsApi
      .buildingsGeoJson(code, crs, ctrl.signal)
      .then((fc) => {
        group.clearLayers();
        let n = 0;
        for (const f of fc.features) {
          if (f.geometry?.type !== 'Point') continue;
          const [lng, lat] = f.geometry.coordinates as [number, number];
          const p = f.properties;
          const m = L.circleMarker([lat, lng], {
            radius: 4,
            color: '#1f2d3d',
            weight: 1,
            fillColor: '#ffd666',
            fillOpacity: 0.95,
            className: 'building-marker',
          });
          const floors = p.floors != null ? ` · ${tRef.current('map.floors', { n: p.floors })}` : '';
          m.bindTooltip(`${escapeHtml(p.name)}${floors}`, { direction: 'top', className: 'grid-tooltip' });
          m.addTo(group);
          n++;
        }
        setBuildingCount(n);
        // No polygons to frame the view (e.g. a grid without micro-grids): frame the buildings.
        const map = mapRef.current;
        if (map && n > 0 && !boundsRef.current) {
          const bb = L.latLngBounds((group.getLayers() as L.CircleMarker[]).map((m) => m.getLatLng()));
          map.fitBounds(bb, { padding: [48, 48], maxZoom: 17 });
        }
      })
      .catch(() => {
        /* buildings are optional decoration; grid errors are reported above */
      });
    return () => ctrl.abort();
  }, [code, showBuildings, crs, configLoaded]);

  const levelOptions = useMemo(
    () =>
      MAP_LEVELS.map((l) => ({
        value: l,
        label: labels.level(l),
        disabled: !!node && levelRank(l) < levelRank(node.level),
      })),
    [labels, node],
  );

  if (!code) return <Alert type="info" showIcon title={t('region.noScope')} />;

  return (
    <div className="map-page">
      <Card size="small" className="map-toolbar">
        <Space wrap size="middle">
          <Space size={4}>
            <span className="toolbar-label">{t('map.node')}</span>
            <RegionTreeSelect
              value={code}
              allowClear={false}
              onChange={(c) => c && setParams({ code: c })}
              style={{ width: 240 }}
              data-testid="map-node-select"
            />
          </Space>
          <Space size={4}>
            <span className="toolbar-label">{t('map.level')}</span>
            <Segmented<MapLevel>
              value={level}
              options={levelOptions}
              onChange={(l) => setParams({ code, level: l })}
              data-testid="map-level"
            />
          </Space>
          {can('geo.locate') && (
            <Button
              type={locateMode ? 'primary' : 'default'}
              icon={<AimOutlined />}
              onClick={() => setLocateMode((m) => !m)}
              data-testid="locate-toggle"
            >
              {t('map.locate')}
            </Button>
          )}
          <Tooltip title={t('map.fit')}>
            <Button icon={<ExpandOutlined />} onClick={fit} aria-label={t('map.fit')} />
          </Tooltip>
          <span className="map-count">
            {t('map.countLabel')}：<strong data-testid="grid-count">{count ?? 0}</strong>
            {buildingCount != null && (
              <Tag style={{ marginInlineStart: 8 }} data-testid="building-count">
                {t('map.buildings', { n: buildingCount })}
              </Tag>
            )}
          </span>
          {loading && <Spin size="small" />}
        </Space>
      </Card>
      {nodeError && <Alert type="error" showIcon title={nodeError} />}
      {dataError && <Alert type="error" showIcon title={dataError} />}
      <div className="map-wrap">
        <div
          ref={containerRef}
          className={`grid-map${config.tileUrl ? '' : ' no-tiles'}`}
          data-testid="grid-map"
          data-count={count ?? ''}
          data-level={level}
          data-crs={crs}
        />
        {node && (
          <div className="map-overlay map-overlay-left">
            <Typography.Text strong>{node.name}</Typography.Text>{' '}
            <Typography.Text type="secondary">
              {labels.level(node.level)} · {node.code}
            </Typography.Text>
            {!config.tileUrl && configLoaded && <div className="map-note">{t('map.noTiles')}</div>}
            {count === 0 && !loading && !dataError && <div className="map-note">{t('map.empty')}</div>}
          </div>
        )}
        {locateMode && (
          <div className="map-overlay map-overlay-right" data-testid="locate-panel">
            <Card
              size="small"
              title={t('map.locateResult')}
              extra={<Button type="text" size="small" icon={<CloseOutlined />} onClick={() => setLocateMode(false)} aria-label={t('common.close')} />}
            >
              {!locate && <Typography.Text type="secondary">{t('map.locateOn')}</Typography.Text>}
              {locate && (
                <>
                  <div className="mono muted-level" style={{ marginBottom: 8 }}>
                    {t('map.locatePoint')}: {locate.lng.toFixed(6)}, {locate.lat.toFixed(6)}
                  </div>
                  {locate.loading && <Spin size="small" />}
                  {locate.error && <Alert type="warning" showIcon title={locate.error} data-testid="locate-error" />}
                  {locate.result && (
                    <Descriptions
                      size="small"
                      column={1}
                      data-testid="locate-result"
                      items={(
                        [
                          ['district', locate.result.district],
                          ['street', locate.result.street],
                          ['community', locate.result.community],
                          ['grid', locate.result.grid],
                          ['microgrid', locate.result.microgrid],
                        ] as const
                      )
                        .filter(([, v]) => !!v)
                        .map(([lvl, v]) => ({
                          key: lvl,
                          label: labels.level(lvl),
                          children: (
                            <a
                              href={`/regions?code=${v?.code ?? ''}`}
                              onClick={(e) => {
                                e.preventDefault();
                                if (v) navigate(`/regions?code=${encodeURIComponent(v.code)}`);
                              }}
                              title={v?.code}
                            >
                              {v?.name}
                            </a>
                          ),
                        }))}
                    />
                  )}
                </>
              )}
            </Card>
          </div>
        )}
      </div>
    </div>
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
