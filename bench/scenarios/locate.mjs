// Point → grid lookups: the Flatbush-backed SpatialIndex against a linear scan of every grid,
// on a generated city around Wuhai. The database flag does not apply (pure in-memory work).
import { fileURLToPath } from 'node:url';

const LIBRARY = new URL('../../server/dist/platform/geo/index.js', import.meta.url);
const WUHAI = [106.8, 39.6];
const CITY_RADIUS_KM = 40;

async function loadGeo() {
  try {
    return await import(LIBRARY.href);
  } catch (err) {
    throw new Error(`cannot load the compiled geo library at ${fileURLToPath(LIBRARY)} (${err.message}); build it first: npx tsc -p server/tsconfig.build.json`);
  }
}

/** [districts, streets per district, communities per street, grids per community] as [min, max] ranges. */
const CITIES = {
  small: { districts: 3, streets: [6, 8], communities: [3, 5], grids: [10, 15] }, // ≈ 1,000 grids
  large: { districts: 8, streets: [9, 11], communities: [9, 11], grids: [10, 15] }, // ≈ 10,000 grids
  quickLarge: { districts: 4, streets: [5, 7], communities: [5, 7], grids: [10, 15] }, // ≈ 1,800 grids
};

/**
 * City outline → districts → streets → communities → grids, each level a Voronoi partition
 * of the one above, then conformed so neighbouring grids share their edges exactly.
 */
function buildCity(geo, seed, shape) {
  const rng = geo.createRng(seed);
  const outline = geo.makeCityOutline(WUHAI, CITY_RADIUS_KM, rng.fork('outline'), 18);
  const split = (ring, [min, max], r) => geo.partitionConvex(ring, r.int(min, max), r);
  const grids = [];
  geo.partitionConvex(outline, shape.districts, rng.fork('districts')).forEach((district, d) => {
    const r = rng.fork(`district-${d}`);
    for (const street of split(district, shape.streets, r)) {
      for (const community of split(street, shape.communities, r)) grids.push(...split(community, shape.grids, r));
    }
  });
  const items = geo.conformRings(grids).map((ring, i) => ({ id: i, geometry: { type: 'Polygon', coordinates: [ring] } }));
  return { outline, items };
}

/** Points inside the outline, stored flat so the timed loops touch no per-point objects. */
function samplePoints(geo, outline, n, seed) {
  const rng = geo.createRng(seed);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) [xs[i], ys[i]] = geo.randomPointInRing(outline, rng);
  return { xs, ys, n };
}

/** Repeat passes over the points until at least minMs has elapsed; returns lookups per second. */
function timeLookups(locate, { xs, ys, n }, minMs) {
  let hits = 0;
  for (let i = 0; i < Math.min(n, 2000); i++) if (locate(xs[i], ys[i]) !== null) hits++; // JIT warm-up
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < n; i++) if (locate(xs[i], ys[i]) !== null) hits++;
    count += n;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  if (hits === 0) throw new Error('no lookup found a grid: the generated city or the points are broken');
  return (count / elapsed) * 1000;
}

/** Average build time over repeated builds (a single 10k build is only a few ms). */
function timeBuild(geo, items, minMs) {
  new geo.SpatialIndex(items); // JIT warm-up, not timed
  let builds = 0;
  const start = performance.now();
  let index;
  do {
    index = new geo.SpatialIndex(items);
    builds++;
  } while (performance.now() - start < minMs);
  return { index, ms: (performance.now() - start) / builds };
}

/** Index and brute force must give the same answer, inside the city and in a margin around it. */
function checkAgreement(geo, index, items, outline, n, seed) {
  const rng = geo.createRng(seed);
  const [minX, minY, maxX, maxY] = geo.ringBBox(outline);
  const margin = 0.05;
  for (let i = 0; i < n; i++) {
    const x = rng.float(minX - margin, maxX + margin);
    const y = rng.float(minY - margin, maxY + margin);
    const fast = index.locate(x, y);
    const slow = geo.SpatialIndex.bruteForceLocate(items, x, y);
    if (fast !== slow) throw new Error(`index and brute force disagree at (${x}, ${y}): ${fast} vs ${slow}`);
  }
}

export async function run({ db, quick, log }) {
  const geo = await loadGeo();
  const minMs = quick ? 200 : 1000;
  const cases = [
    { name: 'city_small', shape: CITIES.small, indexPoints: quick ? 20_000 : 200_000, brutePoints: quick ? 2_000 : 20_000, buildTarget: '<= 100' },
    { name: 'city_large', shape: quick ? CITIES.quickLarge : CITIES.large, indexPoints: quick ? 20_000 : 200_000, brutePoints: quick ? 500 : 5_000, buildTarget: '<= 1000' },
  ];
  const metrics = [];
  const notes = [`db=${db} is recorded but unused: lookups run in memory`];

  for (const c of cases) {
    let t = performance.now();
    const { outline, items } = buildCity(geo, `bench-locate/${c.name}`, c.shape);
    const generateMs = performance.now() - t;
    log(`${c.name}: ${items.length} grids generated in ${generateMs.toFixed(0)} ms`);

    const { index, ms: buildMs } = timeBuild(geo, items, quick ? 50 : 250);
    const agreementSample = quick ? 1_000 : 5_000;
    checkAgreement(geo, index, items, outline, agreementSample, `bench-locate/${c.name}/check`);
    log(`${c.name}: index built in ${buildMs.toFixed(2)} ms; agrees with brute force on ${agreementSample} points`);

    t = performance.now();
    const indexRate = timeLookups((x, y) => index.locate(x, y), samplePoints(geo, outline, c.indexPoints, `${c.name}/index-points`), minMs);
    const bruteRate = timeLookups(
      (x, y) => geo.SpatialIndex.bruteForceLocate(items, x, y),
      samplePoints(geo, outline, c.brutePoints, `${c.name}/brute-points`),
      minMs,
    );
    log(`${c.name}: ${Math.round(indexRate)} vs ${Math.round(bruteRate)} lookups/s (${((performance.now() - t) / 1000).toFixed(1)} s)`);

    metrics.push(
      { metric: `${c.name}.grids`, value: items.length, unit: 'grids', baseline: null },
      { metric: `${c.name}.generate`, value: generateMs, unit: 'ms', baseline: null },
      { metric: `${c.name}.index_build`, value: buildMs, unit: 'ms', baseline: null, target: c.buildTarget },
      { metric: `${c.name}.locate`, value: indexRate, unit: 'lookups/s', baseline: bruteRate, ratio: indexRate / bruteRate, target: '>= 100000' },
    );
    notes.push(`${c.name}: index and brute force agreed on ${agreementSample} points (city bbox plus margin)`);
  }
  notes.push('locate baseline = SpatialIndex.bruteForceLocate (point-in-polygon on every grid in order, no bbox pre-check)');
  return { metrics, notes };
}
