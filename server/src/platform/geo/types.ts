/** GeoJSON position: [longitude, latitude] in WGS-84 / CGCS2000 degrees. */
export type Position = [number, number];

/** A linear ring. Stored closed (first position equals last) as GeoJSON requires. */
export type Ring = Position[];

/** [minX, minY, maxX, maxY] = [west, south, east, north]. */
export type BBox = [number, number, number, number];

/** First ring is the outer boundary, the rest are holes. */
export interface Polygon {
  type: 'Polygon';
  coordinates: Ring[];
}

export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}

/** The only geometries a region boundary may have. */
export type PolygonalGeometry = Polygon | MultiPolygon;

export interface Feature<G = PolygonalGeometry, P = Record<string, unknown>> {
  type: 'Feature';
  id?: string | number;
  geometry: G;
  properties: P;
}

export interface FeatureCollection<G = PolygonalGeometry, P = Record<string, unknown>> {
  type: 'FeatureCollection';
  features: Feature<G, P>[];
}
