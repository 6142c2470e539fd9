import type { PolygonalGeometry, Position, Ring } from './types.js';

/**
 * GCJ-02 ("Mars coordinates"), the obfuscated datum Chinese web maps (AMap, Tencent)
 * require by law. Forward transform uses the widely published formulas; the inverse has
 * no closed form and is solved by fixed-point iteration.
 */

// Krasovsky 1940 ellipsoid, as the published formulas use.
const A = 6378245.0;
const EE = 0.00669342162296594323;

/** The rough rectangle the published formulas apply to; outside it coordinates pass through. */
export function outOfChina(lng: number, lat: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function offsetLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function offsetLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** The GCJ-02 shift (degrees) at a WGS-84 point. */
function shift(lng: number, lat: number): Position {
  const radLat = (lat / 180) * Math.PI;
  const magic = 1 - EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (offsetLat(lng - 105, lat - 35) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLng = (offsetLng(lng - 105, lat - 35) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [dLng, dLat];
}

export function wgs84ToGcj02(lng: number, lat: number): Position {
  if (outOfChina(lng, lat)) return [lng, lat];
  const [dLng, dLat] = shift(lng, lat);
  return [lng + dLng, lat + dLat];
}

/** Inverse to < 1e-9° (the shift varies slowly, so a few fixed-point steps converge). */
export function gcj02ToWgs84(lng: number, lat: number): Position {
  if (outOfChina(lng, lat)) return [lng, lat];
  let x = lng;
  let y = lat;
  for (let i = 0; i < 30; i++) {
    const [gx, gy] = wgs84ToGcj02(x, y);
    const ex = gx - lng;
    const ey = gy - lat;
    x -= ex;
    y -= ey;
    if (Math.abs(ex) < 1e-10 && Math.abs(ey) < 1e-10) break;
  }
  return [x, y];
}

/** Apply a position transform to every vertex, returning a new geometry of the same type. */
export function transformGeometry<G extends PolygonalGeometry>(geometry: G, fn: (lng: number, lat: number) => Position): G {
  const mapRing = (ring: Ring): Ring => ring.map(([lng, lat]) => fn(lng, lat));
  if (geometry.type === 'Polygon') return { ...geometry, coordinates: geometry.coordinates.map(mapRing) };
  return { ...geometry, coordinates: geometry.coordinates.map((rings) => rings.map(mapRing)) };
}
