/** Small display pieces shared by the people, household and housing pages. */
import { useEffect, useState } from 'react';
import { Select, Space, Tag, Tooltip, Typography, type ButtonProps } from 'antd';
import { regionsApi } from '../../shared/geo';
import { useT } from '../../shared/i18n';
import type { Region } from '../../shared/types';
import type { SourceStamp } from '../../shared/registry';
import { useCatalogue } from './catalogue';
import { isoDay, useRegistryLabels } from './labels';
import './people.css';

/** Filter by household card colour (swatch + name), as the people and household lists use it. */
export function ColourSelect({ value, onChange, testId }: { value: string | undefined; onChange: (v: string | undefined) => void; testId: string }) {
  const t = useT();
  const { colours } = useCatalogue();
  return (
    <Select
      allowClear
      style={{ width: '100%' }}
      value={value}
      placeholder={t('people.colourPlaceholder')}
      onChange={(v?: string) => onChange(v)}
      options={colours.map((c) => ({
        value: c.code,
        label: (
          <span className="colour-chip">
            <span className="colour-dot" style={{ background: c.hex }} />
            {c.name}
          </span>
        ),
      }))}
      data-testid={testId}
    />
  );
}

/** A household card colour: swatch + name, the meaning on hover. */
export function ColourChip({ code, showEmpty = true }: { code: string | null | undefined; showEmpty?: boolean }) {
  const t = useT();
  const { colourOf } = useCatalogue();
  if (!code) return showEmpty ? <Typography.Text type="secondary">{t('colour.none')}</Typography.Text> : null;
  const c = colourOf(code);
  return (
    <Tooltip title={c?.meaning}>
      <span className="colour-chip" data-colour={code}>
        <span className="colour-dot" style={{ background: c?.hex ?? '#d9d9d9' }} />
        {c?.name ?? code}
      </span>
    </Tooltip>
  );
}

/** Tag names from the catalogue; must-visit (五必访) tags stand out. */
export function TagList({ codes, max }: { codes: string[]; max?: number }) {
  const { tagOf } = useCatalogue();
  if (!codes.length) return null;
  const shown = max ? codes.slice(0, max) : codes;
  return (
    <Space size={[2, 2]} wrap>
      {shown.map((c) => {
        const tag = tagOf(c);
        return (
          <Tag key={c} color={tag?.mustVisit ? 'volcano' : 'default'} style={{ marginInlineEnd: 0 }}>
            {tag?.name ?? c}
          </Tag>
        );
      })}
      {max && codes.length > max && <Tag style={{ marginInlineEnd: 0 }}>+{codes.length - max}</Tag>}
    </Space>
  );
}

/** "数据来源：民政局 · 2024-05-01" under a field. */
export function SourceNote({ stamp }: { stamp: SourceStamp | undefined }) {
  const t = useT();
  const labels = useRegistryLabels();
  if (!stamp) return null;
  return (
    <div className="source-note" data-testid="source-note">
      {t('person.source', { dept: labels.source(stamp.s), date: isoDay(stamp.t) })}
      {stamp.b != null && <span className="muted-level">{t('person.sourceBatch', { id: stamp.b })}</span>}
    </div>
  );
}

/** Person status as a coloured tag (在册 green, 已迁出 grey, 已死亡 dark). */
export function StatusTag({ status }: { status: string }) {
  const labels = useRegistryLabels();
  const color = status === 'active' ? 'green' : status === 'deceased' ? '#595959' : 'default';
  return (
    <Tag color={color} style={{ marginInlineEnd: 0 }}>
      {labels.personStatus(status)}
    </Tag>
  );
}

/** `okButtonProps` carrying a test id (antd's ButtonProps type has no data-* attributes). */
export const testIdProps = (id: string, extra?: ButtonProps): ButtonProps => ({ ...extra, ...({ 'data-testid': id } as ButtonProps) });

/** A region's name with its two nearest ancestors ("街道 / 社区 / 网格") and code; the code alone until loaded. */
export function RegionName({ code }: { code: string | null | undefined }) {
  const [region, setRegion] = useState<Region | null>(null);
  useEffect(() => {
    setRegion(null);
    if (!code) return;
    let alive = true;
    regionsApi
      .get(code)
      .then((r) => alive && setRegion(r))
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [code]);
  if (!code) return null;
  if (!region) return <span className="mono">{code}</span>;
  return (
    <span>
      {[...(region.ancestors ?? []).slice(-2).map((a) => a.name), region.name].join(' / ')}
      <span className="muted-level mono">{region.code}</span>
    </span>
  );
}
