/**
 * A small Leaflet map for one ticket: the boundaries of a region (drawn from the server's GeoJSON;
 * no tiles needed, tiles are added when the city configured them, like on the grid map page),
 * the ticket's point, and optionally picking a point by clicking.
 */
import 'leaflet/dist/leaflet.css';
import * as L from 'leaflet';
import { useEffect, useRef } from 'react';
import { usePublicConfig } from '../../shared/config';
import './tickets.css';
import { gcj02ToWgs84, regionsApi, wgs84ToGcj02, type Crs } from '../../shared/geo';
import type { RegionLevel } from '../../shared/types';

type GeoJsonInput = Parameters<typeof L.geoJSON>[0];

export interface LngLat {
  lng: number;
  lat: number;
}

interface Props {
  /** Region whose boundaries are drawn (its sub-areas for a big region, itself for a grid). */
  regionCode?: string | null;
  point?: LngLat | null;
  /** Clicking the map picks a point (WGS84). */
  onPick?: (p: LngLat) => void;
  height?: number;
  'data-testid'?: string;
}

/** Which level of polygons to draw under a region of `level`: not too many, not too coarse. */
function drawLevel(level: RegionLevel): RegionLevel {
  switch (level) {
    case 'city':
      return 'street';
    case 'district':
      return 'community';
    case 'grid':
    case 'microgrid':
      return level;
    default:
      return 'grid';
  }
}

const POINT_STYLE: L.CircleMarkerOptions = { radius: 8, color: '#fff', weight: 2, fillColor: '#c8161d', fillOpacity: 1 };

export function TicketMap({ regionCode, point, onPick, height = 260, ...rest }: Props) {
  const { config, loaded } = usePublicConfig();
  const crs: Crs = config.tileUrl && config.tileCrs === 'gcj02' ? 'gcj02' : 'wgs84';
  const el = useRef<HTMLDivElement | null>(null);
  const mapRef = useRef<L.Map | null>(null);
  const areaLayer = useRef<L.LayerGroup | null>(null);
  const pointLayer = useRef<L.LayerGroup | null>(null);
  const pickRef = useRef(onPick);
  pickRef.current = onPick;
  const crsRef = useRef(crs);
  crsRef.current = crs;
  const hasArea = useRef(false);

  useEffect(() => {
    if (!el.current) return;
    const map = L.map(el.current, { zoomControl: true, attributionControl: false, minZoom: 3, maxZoom: 19, zoomSnap: 0.25 });
    map.setView([39.66, 106.82], 10);
    areaLayer.current = L.layerGroup().addTo(map);
    pointLayer.current = L.layerGroup().addTo(map);
    map.on('click', (e: L.LeafletMouseEvent) => {
      const pick = pickRef.current;
      if (!pick) return;
      const [lng, lat] = crsRef.current === 'gcj02' ? gcj02ToWgs84(e.latlng.lng, e.latlng.lat) : [e.latlng.lng, e.latlng.lat];
      pick({ lng, lat });
    });
    mapRef.current = map;
    const ro = new ResizeObserver(() => map.invalidateSize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      map.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !config.tileUrl) return;
    const layer = L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
    layer.bringToBack();
    return () => {
      layer.remove();
    };
  }, [config.tileUrl, config.tileAttribution]);

  // The region's boundaries.
  useEffect(() => {
    const map = mapRef.current;
    const group = areaLayer.current;
    if (!map || !group || !loaded) return;
    group.clearLayers();
    hasArea.current = false;
    if (!regionCode) return;
    const ctrl = new AbortController();
    regionsApi
      .get(regionCode)
      .then((r) => regionsApi.gridsGeoJson(regionCode, drawLevel(r.level), crs, ctrl.signal))
      .then((fc) => {
        if (ctrl.signal.aborted) return;
        group.clearLayers();
        const features = fc.features.filter((f) => f.geometry);
        const layer = L.geoJSON({ ...fc, features } as unknown as GeoJsonInput, {
          style: () => ({ color: '#1677ff', weight: 1.5, opacity: 0.9, fillColor: '#1677ff', fillOpacity: 0.08 }),
          onEachFeature: (f, lyr) => {
            const p = f.properties as { name?: string };
            if (p.name) (lyr as L.Path).bindTooltip(p.name, { sticky: true, direction: 'top', className: 'grid-tooltip' });
          },
        }).addTo(group);
        const b = layer.getBounds();
        if (b.isValid()) {
          hasArea.current = true;
          map.fitBounds(b, { padding: [16, 16], maxZoom: 17 });
        }
      })
      .catch(() => {
        /* the boundaries are context only */
      });
    return () => ctrl.abort();
  }, [regionCode, crs, loaded]);

  // The point.
  useEffect(() => {
    const map = mapRef.current;
    const group = pointLayer.current;
    if (!map || !group) return;
    group.clearLayers();
    if (!point) return;
    const [x, y] = crs === 'gcj02' ? wgs84ToGcj02(point.lng, point.lat) : [point.lng, point.lat];
    L.circleMarker([y, x], POINT_STYLE).addTo(group);
    if (!hasArea.current || !map.getBounds().contains([y, x])) map.setView([y, x], Math.max(map.getZoom(), 16));
  }, [point, crs]);

  return (
    <div
      ref={el}
      className={`ticket-map${config.tileUrl ? '' : ' no-tiles'}${onPick ? ' picking' : ''}`}
      style={{ height }}
      data-testid={rest['data-testid']}
    />
  );
}
