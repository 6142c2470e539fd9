export type { BBox, Feature, FeatureCollection, MultiPolygon, Polygon, PolygonalGeometry, Position, Ring } from './types.js';
export {
  EARTH_RADIUS_M,
  areaM2,
  bboxOf,
  bboxToRing,
  centroid,
  clipConvexByHalfPlane,
  closeRing,
  emptyBBox,
  extendBBox,
  isCounterClockwise,
  isRingClosed,
  openRing,
  pointInGeometry,
  pointInPolygonRings,
  pointInRing,
  polygonsOf,
  projectOntoSegment,
  ringArea,
  ringBBox,
  toCounterClockwise,
  validateGeometry,
  type GeometryIssue,
} from './polygon.js';
export { createRng, type Rng } from './random.js';
export {
  conformRings,
  convexHull,
  isConvex,
  makeCityOutline,
  partitionConvex,
  randomPointInRing,
  type PartitionOptions,
} from './partition.js';
export { gcj02ToWgs84, outOfChina, transformGeometry, wgs84ToGcj02 } from './gcj02.js';
export { SpatialIndex, type IndexedItem } from './spatialIndex.js';
