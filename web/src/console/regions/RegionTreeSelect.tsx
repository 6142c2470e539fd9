import { useEffect, useMemo, useState } from 'react';
import { TreeSelect } from 'antd';
import { regionsApi } from '../../shared/geo';
import { useAuth } from '../../shared/auth';
import type { RegionLevel } from '../../shared/types';
import { useLabels } from '../labels';
import { useRegionTree } from './useRegionTree';

interface TreeSelectNode {
  value: string;
  title: string;
  label: React.ReactNode;
  isLeaf: boolean;
  selectable: boolean;
  children?: TreeSelectNode[];
}

interface Props {
  value?: string | null;
  onChange?: (code: string | null) => void;
  placeholder?: string;
  /** Only nodes of these levels can be picked (others can still be expanded). */
  selectableLevels?: readonly RegionLevel[];
  /** Root of the tree; defaults to the signed-in user's scope. */
  rootCode?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  id?: string;
  'data-testid'?: string;
}

/** A TreeSelect over the region hierarchy, children loaded lazily like on the regions page. */
export function RegionTreeSelect({ value, onChange, placeholder, selectableLevels, rootCode, allowClear = true, style, id, ...rest }: Props) {
  const { user } = useAuth();
  const labels = useLabels();
  const root = rootCode ?? user?.scope?.code ?? null;
  const tree = useRegionTree(root);
  const { nodes, children, loadChildren, reveal } = tree;
  const [expanded, setExpanded] = useState<string[]>(root ? [root] : []);

  // Make sure a preset value shows its name: load the path down to it.
  useEffect(() => {
    if (!value || nodes[value] || !root) return;
    let alive = true;
    regionsApi
      .get(value)
      .then((r) => (alive ? reveal(r) : null))
      .then((path) => {
        if (alive && path) setExpanded((e) => Array.from(new Set([...e, ...path])));
      })
      .catch(() => undefined);
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, root, !!tree.root]);

  const treeData = useMemo(() => {
    const build = (code: string, depth: number): TreeSelectNode | null => {
      const r = nodes[code];
      if (!r || depth > 8) return null;
      const kids = children[code];
      return {
        value: r.code,
        title: r.name,
        label: (
          <span>
            {r.name} <span className="muted-level">{labels.level(r.level)}</span>
          </span>
        ),
        isLeaf: r.childCount === 0,
        selectable: !selectableLevels || selectableLevels.includes(r.level),
        children: kids?.map((c) => build(c, depth + 1)).filter((n): n is TreeSelectNode => !!n),
      };
    };
    const top = root ? build(root, 0) : null;
    return top ? [top] : [];
  }, [nodes, children, root, selectableLevels, labels]);

  return (
    <TreeSelect
      id={id}
      data-testid={rest['data-testid']}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      treeData={treeData}
      treeTitleRender={(n) => (n as TreeSelectNode).label}
      treeNodeLabelProp="title"
      loadData={async (node) => {
        await loadChildren(String(node.value));
      }}
      treeLoadedKeys={Object.keys(children)}
      placeholder={placeholder}
      allowClear={allowClear}
      showSearch
      treeNodeFilterProp="title"
      style={{ width: '100%', ...style }}
      treeExpandedKeys={expanded}
      onTreeExpand={(keys) => setExpanded(keys.map(String))}
    />
  );
}
