import { useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Breadcrumb, Button, Card, Col, Descriptions, Empty, Row, Space, Spin, Tag, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { EditOutlined, EnvironmentOutlined, PlusOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { isGridLevel, regionsApi } from '../../shared/geo';
import { useT } from '../../shared/i18n';
import type { Region } from '../../shared/types';
import { useLabels } from '../labels';
import { BuildingsTable } from '../regions/BuildingsTable';
import { AddRegionModal, RenameRegionModal } from '../regions/RegionForms';
import { RegionSearch } from '../regions/RegionSearch';
import { useRegionTree } from '../regions/useRegionTree';

interface RegionDataNode extends DataNode {
  key: string;
  region: Region;
  children?: RegionDataNode[];
}

export default function RegionsPage() {
  const t = useT();
  const labels = useLabels();
  const { user, can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const rootCode = user?.scope?.code ?? null;
  const tree = useRegionTree(rootCode);
  const { nodes, children, loadChildren, reveal, upsert } = tree;

  const selectedCode = params.get('code') ?? rootCode;
  const [detail, setDetail] = useState<Region | null>(null);
  const [detailError, setDetailError] = useState<string | null>(null);
  const [detailLoading, setDetailLoading] = useState(false);
  const [expanded, setExpanded] = useState<string[]>([]);
  const [treeError, setTreeError] = useState<string | null>(null);
  const [addOpen, setAddOpen] = useState(false);
  const [renameOpen, setRenameOpen] = useState(false);

  // Root expanded by default once it has loaded.
  useEffect(() => {
    if (rootCode && tree.root) {
      setExpanded((e) => (e.includes(rootCode) ? e : [...e, rootCode]));
      if (tree.root.childCount > 0) void loadChildren(rootCode).catch((err: unknown) => setTreeError(errorMessage(err)));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rootCode, !!tree.root]);

  const loadDetail = useCallback(
    async (code: string) => {
      setDetailLoading(true);
      try {
        const r = await regionsApi.get(code);
        setDetail(r);
        setDetailError(null);
        const path = await reveal(r);
        if (path) setExpanded((e) => Array.from(new Set([...e, ...path])));
      } catch (err) {
        setDetail(null);
        setDetailError(errorMessage(err));
      } finally {
        setDetailLoading(false);
      }
    },
    [reveal],
  );

  useEffect(() => {
    if (selectedCode) void loadDetail(selectedCode);
  }, [selectedCode, loadDetail]);

  const select = (code: string) => setParams({ code });

  const treeData = useMemo((): RegionDataNode[] => {
    const build = (code: string, depth: number): RegionDataNode | null => {
      const r = nodes[code];
      if (!r || depth > 8) return null;
      const kids = children[code];
      return {
        key: r.code,
        region: r,
        isLeaf: r.childCount === 0,
        children: kids?.map((c) => build(c, depth + 1)).filter((n): n is RegionDataNode => !!n),
      };
    };
    const top = rootCode ? build(rootCode, 0) : null;
    return top ? [top] : [];
  }, [nodes, children, rootCode]);

  if (!rootCode) return <Alert type="info" showIcon title={t('region.noScope')} />;

  const ancestors = detail?.ancestors ?? [];
  const parentRef = ancestors.find((a) => a.code === detail?.parentCode) ?? ancestors[ancestors.length - 1];
  const canWrite = can('region.write');

  const onCreated = async (r: Region) => {
    setAddOpen(false);
    if (!detail) return;
    await loadChildren(detail.code, true).catch(() => undefined);
    setExpanded((e) => Array.from(new Set([...e, detail.code])));
    select(r.code);
  };

  const onRenamed = (r: Region) => {
    setRenameOpen(false);
    upsert(r);
    setDetail((d) => (d && d.code === r.code ? { ...d, ...r, ancestors: d.ancestors } : d));
  };

  return (
    <Row gutter={16} className="regions-page">
      <Col xs={24} md={9} xl={7}>
        <Card title={t('region.tree')} size="small" className="region-tree-card">
          <RegionSearch onPick={(r) => select(r.code)} style={{ marginBottom: 12 }} />
          {tree.rootError ? <Alert type="error" showIcon title={errorMessage(tree.rootError)} /> : null}
          {treeError && <Alert type="error" showIcon title={treeError} closable={{ onClose: () => setTreeError(null) }} />}
          <div data-testid="region-tree" className="region-tree">
            {!tree.root && !tree.rootError ? (
              <Spin />
            ) : (
              <Tree<RegionDataNode>
                treeData={treeData}
                blockNode
                showLine={{ showLeafIcon: false }}
                expandedKeys={expanded}
                onExpand={(keys) => setExpanded(keys.map(String))}
                loadedKeys={Object.keys(children)}
                loadData={async (node) => {
                  try {
                    await loadChildren(node.key);
                  } catch (err) {
                    setTreeError(errorMessage(err));
                    throw err;
                  }
                }}
                selectedKeys={selectedCode ? [selectedCode] : []}
                onSelect={(_, info) => select(info.node.key)}
                titleRender={(n) => (
                  <span className="region-node">
                    <span data-testid={`region-node-${n.region.code}`}>{n.region.name}</span>
                    <span className="muted-level">{labels.level(n.region.level)}</span>
                  </span>
                )}
              />
            )}
          </div>
        </Card>
      </Col>
      <Col xs={24} md={15} xl={17}>
        <Card
          size="small"
          title={t('region.details')}
          loading={detailLoading && !detail}
          data-testid="region-details"
          extra={
            detail && (
              <Space wrap>
                <Button
                  icon={<EnvironmentOutlined />}
                  onClick={() => navigate(`/map?code=${encodeURIComponent(detail.code)}`)}
                  data-testid="view-on-map"
                >
                  {t('region.viewOnMap')}
                </Button>
                {canWrite && (detail.level === 'community' || detail.level === 'grid') && (
                  <Button icon={<PlusOutlined />} onClick={() => setAddOpen(true)} data-testid="add-grid">
                    {detail.level === 'community' ? t('region.addGrid') : t('region.addMicrogrid')}
                  </Button>
                )}
                {canWrite && isGridLevel(detail.level) && (
                  <Button icon={<EditOutlined />} onClick={() => setRenameOpen(true)} data-testid="rename-region">
                    {t('region.rename')}
                  </Button>
                )}
              </Space>
            )
          }
        >
          {detailError && <Alert type="error" showIcon title={detailError} />}
          {!detail && !detailError && !detailLoading && <Empty description={t('region.selectHint')} />}
          {detail && (
            <>
              <Breadcrumb
                style={{ marginBottom: 12 }}
                items={[
                  ...[...ancestors].map((a) => ({
                    key: a.code,
                    title: (
                      <a
                        href={`/regions?code=${a.code}`}
                        onClick={(e) => {
                          e.preventDefault();
                          select(a.code);
                        }}
                      >
                        {a.name}
                      </a>
                    ),
                  })),
                  { key: detail.code, title: detail.name },
                ]}
              />
              <Descriptions
                size="small"
                bordered
                column={{ xs: 1, sm: 1, md: 2, xl: 2 }}
                items={[
                  { key: 'name', label: t('region.name'), children: <strong data-testid="region-detail-name">{detail.name}</strong> },
                  {
                    key: 'code',
                    label: t('region.code'),
                    children: (
                      <Typography.Text copyable className="mono">
                        {detail.code}
                      </Typography.Text>
                    ),
                  },
                  { key: 'level', label: t('region.level'), children: <Tag color="blue">{labels.level(detail.level)}</Tag> },
                  { key: 'kind', label: t('region.kind'), children: detail.kind ? labels.kind(detail.kind) : t('common.none') },
                  {
                    key: 'parent',
                    label: t('region.parent'),
                    children: detail.parentCode ? (
                      <a
                        href={`/regions?code=${detail.parentCode}`}
                        onClick={(e) => {
                          e.preventDefault();
                          if (detail.parentCode) select(detail.parentCode);
                        }}
                      >
                        {parentRef?.code === detail.parentCode ? `${parentRef.name}（${detail.parentCode}）` : detail.parentCode}
                      </a>
                    ) : (
                      t('common.none')
                    ),
                  },
                  { key: 'children', label: t('region.childCount'), children: detail.childCount },
                  {
                    key: 'area',
                    label: t('region.area'),
                    children: detail.areaKm2 == null ? t('common.none') : detail.areaKm2.toFixed(detail.areaKm2 < 1 ? 3 : 2),
                  },
                  {
                    key: 'center',
                    label: t('region.center'),
                    children: detail.center ? (
                      <span className="mono">
                        {detail.center[0].toFixed(6)}, {detail.center[1].toFixed(6)}
                      </span>
                    ) : (
                      t('common.none')
                    ),
                  },
                ]}
              />
              {isGridLevel(detail.level) && can('building.read') && (
                <>
                  <Typography.Title level={5} style={{ marginTop: 16 }}>
                    {t('region.buildings')}
                  </Typography.Title>
                  <BuildingsTable code={detail.code} />
                </>
              )}
              <AddRegionModal parent={detail} open={addOpen} onClose={() => setAddOpen(false)} onCreated={(r) => void onCreated(r)} />
              <RenameRegionModal region={detail} open={renameOpen} onClose={() => setRenameOpen(false)} onRenamed={onRenamed} />
            </>
          )}
        </Card>
      </Col>
    </Row>
  );
}
