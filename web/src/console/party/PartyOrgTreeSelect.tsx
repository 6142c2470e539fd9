import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { TreeSelect } from 'antd';
import { useI18n } from '../../shared/i18n';
import { partyApi, type PartyOrg } from './api';

interface Node {
  value: number;
  title: string;
  label: React.ReactNode;
  isLeaf: boolean;
  children?: Node[];
}

interface Props {
  value?: number | null;
  onChange?: (id: number | null) => void;
  /** Name to show for a preset value before its branch is loaded. */
  initialLabel?: string | null;
  placeholder?: string;
  id?: string;
  'data-testid'?: string;
}

/** Pick a party organisation from the lazily loaded tree (党委 → 党总支 → 党支部 → 党小组). */
export function PartyOrgTreeSelect({ value, onChange, initialLabel, placeholder, id, ...rest }: Props) {
  const { tx } = useI18n();
  const [nodes, setNodes] = useState<Record<number, PartyOrg>>({});
  const [children, setChildren] = useState<Record<string, number[]>>({});
  const loaded = useRef(new Set<string>());

  const load = useCallback(async (parentId: number | null) => {
    const key = parentId === null ? 'root' : String(parentId);
    if (loaded.current.has(key)) return;
    loaded.current.add(key);
    try {
      const list = await partyApi.orgs(parentId === null ? {} : { parentId });
      setNodes((n) => ({ ...n, ...Object.fromEntries(list.map((o) => [o.id, o])) }));
      setChildren((c) => ({ ...c, [key]: list.map((o) => o.id) }));
    } catch {
      loaded.current.delete(key);
    }
  }, []);

  useEffect(() => {
    void load(null);
  }, [load]);

  const treeData = useMemo(() => {
    const build = (oid: number, depth: number): Node | null => {
      const o = nodes[oid];
      if (!o || depth > 10) return null;
      return {
        value: o.id,
        title: o.name,
        label: (
          <span>
            {o.name} <span className="muted-level">{tx(`partyLevel.${o.level}`, o.levelName)}</span>
          </span>
        ),
        isLeaf: o.childCount === 0,
        children: children[String(oid)]?.map((c) => build(c, depth + 1)).filter((n): n is Node => !!n),
      };
    };
    const roots = (children.root ?? []).map((r) => build(r, 0)).filter((n): n is Node => !!n);
    // A preset value not loaded yet still shows its name.
    if (value != null && !nodes[value] && initialLabel) roots.push({ value, title: initialLabel, label: initialLabel, isLeaf: true });
    return roots;
  }, [nodes, children, value, initialLabel, tx]);

  return (
    <TreeSelect
      id={id}
      data-testid={rest['data-testid']}
      value={value ?? undefined}
      onChange={(v: number | undefined) => onChange?.(v ?? null)}
      treeData={treeData}
      treeTitleRender={(n) => (n as Node).label}
      treeNodeLabelProp="title"
      loadData={async (n) => {
        await load(Number(n.value));
      }}
      placeholder={placeholder}
      allowClear
      showSearch
      treeNodeFilterProp="title"
      style={{ width: '100%' }}
    />
  );
}
