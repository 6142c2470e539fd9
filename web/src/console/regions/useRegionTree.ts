/**
 * Lazily loaded region hierarchy rooted at one code. Nodes and child lists are kept normalised so the
 * antd Tree and TreeSelect can both be built from them; children are fetched on demand from
 * GET /api/regions/{code}/children and never twice at the same time.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { regionsApi } from '../../shared/geo';
import { levelRank } from '../../shared/geo';
import type { Region } from '../../shared/types';

export interface RegionTreeState {
  nodes: Record<string, Region>;
  children: Record<string, string[]>;
}

export function useRegionTree(rootCode: string | null | undefined) {
  const [state, setState] = useState<RegionTreeState>({ nodes: {}, children: {} });
  const [rootError, setRootError] = useState<unknown>(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const inflight = useRef(new Map<string, Promise<Region[]>>());

  const upsert = useCallback((...regions: Region[]) => {
    setState((s) => {
      const nodes = { ...s.nodes };
      for (const r of regions) nodes[r.code] = { ...nodes[r.code], ...r };
      return { ...s, nodes };
    });
  }, []);

  useEffect(() => {
    if (!rootCode) return;
    let alive = true;
    setRootError(null);
    regionsApi
      .get(rootCode)
      .then((r) => alive && upsert(r))
      .catch((err: unknown) => alive && setRootError(err));
    return () => {
      alive = false;
    };
  }, [rootCode, upsert]);

  const loadChildren = useCallback(async (code: string, force = false): Promise<Region[]> => {
    const known = stateRef.current.children[code];
    if (known && !force) return known.map((c) => stateRef.current.nodes[c]).filter((r): r is Region => !!r);
    let p = inflight.current.get(code);
    if (!p || force) {
      p = regionsApi.children(code);
      inflight.current.set(code, p);
      const mine = p;
      void p.finally(() => {
        if (inflight.current.get(code) === mine) inflight.current.delete(code);
      }).catch(() => undefined);
    }
    const kids = await p;
    setState((s) => {
      const nodes = { ...s.nodes };
      for (const k of kids) nodes[k.code] = { ...nodes[k.code], ...k };
      const parent = nodes[code];
      if (parent && parent.childCount !== kids.length) nodes[code] = { ...parent, childCount: kids.length };
      return { nodes, children: { ...s.children, [code]: kids.map((k) => k.code) } };
    });
    return kids;
  }, []);

  /**
   * Load every level between the root and `region` (which should carry `ancestors`).
   * Returns the codes to expand so the node becomes visible, or null when it is outside the root.
   */
  const reveal = useCallback(
    async (region: Region): Promise<string[] | null> => {
      if (!rootCode) return null;
      const ancestors = [...(region.ancestors ?? [])]
        .filter((a) => a.code !== region.code)
        .sort((a, b) => levelRank(a.level) - levelRank(b.level))
        .map((a) => a.code);
      const path = [...ancestors, region.code];
      const from = path.indexOf(rootCode);
      if (from < 0) return null;
      const chain = path.slice(from, -1);
      for (const code of chain) await loadChildren(code);
      upsert(region);
      return chain;
    },
    [rootCode, loadChildren, upsert],
  );

  return {
    root: rootCode ? state.nodes[rootCode] : undefined,
    rootError,
    nodes: state.nodes,
    children: state.children,
    loadChildren,
    reveal,
    upsert,
  };
}

export type RegionTree = ReturnType<typeof useRegionTree>;
