/** Region, building and geo endpoints. */
import { api, seg } from '../api';
import type {
  Building,
  BuildingFeatureProps,
  GeoFeatureCollection,
  GridFeatureProps,
  LocateResult,
  Page,
  Region,
  RegionLevel,
} from '../types';

export type Crs = 'wgs84' | 'gcj02';

export const regionsApi = {
  get: (code: string) => api.get<Region>(`/api/regions/${seg(code)}`),
  children: (code: string) => api.get<Region[]>(`/api/regions/${seg(code)}/children`),
  search: (q: string, limit = 20) => api.get<Region[]>('/api/regions/search', { q, limit }),
  buildings: (code: string, cursor?: string | null, limit = 50) =>
    api.get<Page<Building>>(`/api/regions/${seg(code)}/buildings`, { cursor, limit }),
  gridsGeoJson: (code: string, level?: RegionLevel, crs?: Crs, signal?: AbortSignal) =>
    api.get<GeoFeatureCollection<GridFeatureProps>>(
      `/api/regions/${seg(code)}/grids.geojson`,
      { level, crs: crs === 'gcj02' ? crs : undefined },
      { signal },
    ),
  buildingsGeoJson: (code: string, crs?: Crs, signal?: AbortSignal) =>
    api.get<GeoFeatureCollection<BuildingFeatureProps>>(
      `/api/regions/${seg(code)}/buildings.geojson`,
      { crs: crs === 'gcj02' ? crs : undefined },
      { signal },
    ),
  create: (body: { parentCode: string; name: string; level: 'grid' | 'microgrid'; geometry?: unknown }) =>
    api.post<Region>('/api/regions', body),
  update: (code: string, body: { name?: string; geometry?: unknown }) =>
    api.patch<Region>(`/api/regions/${seg(code)}`, body),
};

export const geoApi = {
  locate: (lng: number, lat: number) =>
    api.get<LocateResult>('/api/geo/locate', { lng: lng.toFixed(7), lat: lat.toFixed(7) }),
  /** Grids meeting [west, south, east, north] (WGS-84; at most 0.05° a side), for anyone who may locate. */
  gridsAround: (bbox: [number, number, number, number], crs?: Crs, signal?: AbortSignal) =>
    api.get<GeoFeatureCollection<GridFeatureProps>>(
      '/api/geo/grids.geojson',
      { bbox: bbox.map((x) => x.toFixed(6)).join(','), crs: crs === 'gcj02' ? crs : undefined },
      { signal },
    ),
};
