// Summarise a V8 .cpuprofile (node --cpu-prof): self time by area (package, server module,
// Node internals, GC, idle) and inclusive time of chosen server functions.
// Also a CLI: node bench/lib/cpuprofile.mjs <file.cpuprofile> [top]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which area a frame belongs to: "pkg:fastify", "server:modules/tickets/service.js", "node:…", "(gc)". */
export function areaOf(frame) {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return '(gc)';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program)';
    return `(native) ${functionName || 'anonymous'}`;
  }
  if (url.startsWith('wasm://')) return 'wasm (PGlite: PostgreSQL itself)';
  const u = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (u.startsWith('node:')) return 'node internals';
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 14).split('/');
    return `pkg:${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const d = u.indexOf('/server/dist/');
  if (d >= 0) return `server:${u.slice(d + 13)}`;
  return path.basename(u);
}

/**
 * Returns { totalMs, idleMs, busyMs, areas: [{ area, ms, share }], functions: [{ name, ms }],
 * inclusive: { [fnName]: ms } }. Shares are of busy (non-idle) time.
 */
export function summarise(profile, inclusiveOf = []) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  let totalMs = 0;
  let idleMs = 0;
  const areas = new Map();
  const fns = new Map();
  const inclusive = Object.fromEntries(inclusiveOf.map((f) => [f, 0]));
  for (const [id, ms] of self) {
    const n = nodes.get(id);
    totalMs += ms;
    const area = areaOf(n.callFrame);
    if (area === '(idle)') {
      idleMs += ms;
      continue;
    }
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const fname = `${n.callFrame.functionName || '(anonymous)'} ${area}:${n.callFrame.lineNumber + 1}`;
    fns.set(fname, (fns.get(fname) ?? 0) + ms);
    if (inclusiveOf.length) {
      // Walk up once; count each named function at most once per sample stack.
      const seen = new Set();
      for (let p = id; p !== undefined; p = parent.get(p)) {
        const name = nodes.get(p).callFrame.functionName;
        if (name in inclusive && !seen.has(name)) {
          seen.add(name);
          inclusive[name] += ms;
        }
      }
    }
  }
  const busyMs = totalMs - idleMs;
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs,
    idleMs,
    busyMs,
    areas: sorted(areas).map(([area, ms]) => ({ area, ms, share: ms / busyMs })),
    functions: sorted(fns).map(([name, ms]) => ({ name, ms, share: ms / busyMs })),
    inclusive,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 25);
  const s = summarise(JSON.parse(fs.readFileSync(file, 'utf8')));
  console.log(`total ${s.totalMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms, busy ${s.busyMs.toFixed(0)} ms`);
  for (const a of s.areas.slice(0, top)) console.log(`${(a.share * 100).toFixed(1).padStart(5)}%  ${a.ms.toFixed(0).padStart(7)} ms  ${a.area}`);
  console.log('');
  for (const f of s.functions.slice(0, top)) console.log(`${(f.share * 100).toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}`);
}
