/**
 * Leaflet set-up shared by the point picker and the ticket map (loaded on demand: Leaflet is
 * the biggest thing the mobile app uses). No tile server is needed: tiles come from
 * GET /api/config when one is configured; staff also see their area's grid boundaries, which on
 * a tile-less map are what tells a place from another.
 */
import 'leaflet/dist/leaflet.css';
import * as L from 'leaflet';
import type { Me, PublicConfig } from '../../shared/types';
import { regionsApi, wgs84ToGcj02, gcj02ToWgs84 } from '../../shared/geo';

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

/**
 * Draw the grids around the user's own area (their community's grids for a grid worker) and
 * return their bounds. Residents may not read regions: nothing is drawn for them.
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
  const fc = await regionsApi.gridsGeoJson(code, 'grid', d.gcj ? 'gcj02' : 'wgs84', signal);
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
