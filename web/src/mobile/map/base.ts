/**
 * Leaflet set-up shared by the point picker and the ticket map (loaded on demand: Leaflet is
 * the biggest thing the mobile app uses). No tile server is needed: tiles come from
 * GET /api/config when one is configured; staff see their area's grid boundaries and residents
 * the grids in view, which on a tile-less map are what tells a place from another.
 */
import 'leaflet/dist/leaflet.css';
import * as L from 'leaflet';
import { ApiError } from '../../shared/api';
import type { Me, PublicConfig } from '../../shared/types';
import { geoApi, regionsApi, wgs84ToGcj02, gcj02ToWgs84 } from '../../shared/geo';

export { L };

/** Where the map opens when nothing better is known (the demo city). */
export const FALLBACK_CENTER: [number, number] = [106.82, 39.66];

export interface Display {
  gcj: boolean;
  /** WGS84 [lng, lat] → Leaflet LatLng in the tiles' CRS. */
  toMap: (lng: number, lat: number) => L.LatLng;
  /** Leaflet LatLng → WGS84 [lng, lat]. */
  fromMap: (ll: L.LatLng) => [number, number];
}

export function display(config: PublicConfig): Display {
  const gcj = !!config.tileUrl && config.tileCrs === 'gcj02';
  return {
    gcj,
    toMap: (lng, lat) => {
      const [x, y] = gcj ? wgs84ToGcj02(lng, lat) : [lng, lat];
      return L.latLng(y, x);
    },
    fromMap: (ll) => (gcj ? gcj02ToWgs84(ll.lng, ll.lat) : [ll.lng, ll.lat]),
  };
}

export function createMap(el: HTMLElement, config: PublicConfig, opts: L.MapOptions = {}): L.Map {
  const map = L.map(el, { zoomControl: false, attributionControl: !!config.tileUrl, minZoom: 3, maxZoom: 19, ...opts });
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
    map.attributionControl?.setPrefix(false);
  }
  return map;
}

/** Largest side (degrees) of the view the server draws grids for (GRIDS_AROUND_MAX_DEG). */
const AROUND_MAX_DEG = 0.05;
const GRID_STYLE: L.PathOptions = { color: '#1677ff', weight: 1, fillOpacity: 0.03, dashArray: '4 4' };

/**
 * For those who may not read regions (residents): the grids in view, redrawn as the map moves
 * (GET /api/geo/grids.geojson), each named on the map, when the view is small enough.
 * Returns a function that stops following.
 */
export function followGridsAround(map: L.Map, d: Display): () => void {
  let layer: L.GeoJSON | null = null;
  let ctl: AbortController | null = null;
  let timer: number | undefined;
  const draw = () => {
    const b = map.getBounds();
    const [w, s] = d.fromMap(b.getSouthWest());
    const [e, n] = d.fromMap(b.getNorthEast());
    if (e - w > AROUND_MAX_DEG || n - s > AROUND_MAX_DEG) {
      layer?.remove();
      layer = null;
      return;
    }
    ctl?.abort();
    const mine = (ctl = new AbortController());
    geoApi
      .gridsAround([w, s, e, n], d.gcj ? 'gcj02' : 'wgs84', mine.signal)
      .then((fc) => {
        if (mine.signal.aborted) return;
        layer?.remove();
        layer = L.geoJSON(fc as unknown as Parameters<typeof L.geoJSON>[0], {
          style: () => GRID_STYLE,
          interactive: false,
          onEachFeature: (f, l) => l.bindTooltip((f.properties as { name: string }).name, { permanent: true, direction: 'center', className: 'm-grid-label' }),
        }).addTo(map);
        layer.bringToBack();
      })
      .catch(() => undefined); // a weak signal: keep what is drawn
  };
  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(draw, 300);
  };
  map.on('moveend', schedule);
  schedule();
  return () => {
    window.clearTimeout(timer);
    ctl?.abort();
    map.off('moveend', schedule);
  };
}

/**
 * Draw the grids around the user's own area (their community's grids for a grid worker) and
 * return their bounds. Residents may not read regions: they get followGridsAround instead.
 */
export async function drawScopeGrids(map: L.Map, user: Me | null, d: Display, signal: AbortSignal): Promise<L.LatLngBounds | null> {
  const scope = user?.scope;
  if (!scope || !user.permissions.includes('region.read')) return null;
  if (scope.level === 'city' || scope.level === 'district') return null; // too many polygons for a phone
  let code = scope.code;
  if (scope.level === 'grid' || scope.level === 'microgrid') {
    const r = await regionsApi.get(scope.code);
    if (r.parentCode && scope.level === 'grid') code = r.parentCode;
  }
  const crs = d.gcj ? 'gcj02' : 'wgs84';
  // A grid worker may not be allowed to read the whole community: then their own grid alone.
  const fc = await regionsApi.gridsGeoJson(code, 'grid', crs, signal).catch((err: unknown) => {
    if (code !== scope.code && err instanceof ApiError && err.status === 403) return regionsApi.gridsGeoJson(scope.code, 'grid', crs, signal);
    throw err;
  });
  if (signal.aborted || !fc.features.length) return null;
  const layer = L.geoJSON(fc as unknown as Parameters<typeof L.geoJSON>[0], {
    style: (f) => {
      const own = (f?.properties as { code?: string } | undefined)?.code === scope.code;
      return { color: own ? '#c8161d' : '#1677ff', weight: own ? 2.5 : 1, fillOpacity: own ? 0.08 : 0.03, dashArray: own ? undefined : '4 4' };
    },
    interactive: false,
  }).addTo(map);
  layer.bringToBack();
  const own = fc.features.find((f) => f.properties.code === scope.code);
  const b = own ? L.geoJSON(own as unknown as Parameters<typeof L.geoJSON>[0]).getBounds() : layer.getBounds();
  return b.isValid() ? b : null;
}
