import { useEffect, useRef, useState } from 'react';
import { Select, Spin } from 'antd';
import { useT } from '../../shared/i18n';
import { housesApi, type House } from '../../shared/registry';
import { useRegistryLabels } from '../people/labels';

interface Props {
  value?: number | null;
  onChange?: (id: number | null, house: House | null) => void;
  placeholder?: string;
  /** Limit the search to one region. */
  region?: string;
  id?: string;
  style?: React.CSSProperties;
  'data-testid'?: string;
}

/** Pick a house by typing part of its address (GET /api/houses?q=). */
export function HouseSelect({ value, onChange, placeholder, region, id, style, ...rest }: Props) {
  const t = useT();
  const labels = useRegistryLabels();
  const [options, setOptions] = useState<House[]>([]);
  const [loading, setLoading] = useState(false);
  const [known, setKnown] = useState<Record<number, House>>({});
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // A preset value (e.g. from the URL): load it so the address shows.
  useEffect(() => {
    if (!value || known[value]) return;
    let alive = true;
    housesApi
      .get(value)
      .then((h) => alive && setKnown((k) => ({ ...k, [h.id]: h })))
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [value, known]);

  const search = (q: string) => {
    if (timer.current) clearTimeout(timer.current);
    const term = q.trim();
    if (!term) {
      setOptions([]);
      return;
    }
    timer.current = setTimeout(() => {
      const mine = ++seq.current;
      setLoading(true);
      housesApi
        .list({ q: term, region, limit: 20 })
        .then((page) => {
          if (mine !== seq.current) return;
          setOptions(page.items);
          setKnown((k) => ({ ...k, ...Object.fromEntries(page.items.map((h) => [h.id, h])) }));
        })
        .catch(() => mine === seq.current && setOptions([]))
        .finally(() => mine === seq.current && setLoading(false));
    }, 250);
  };

  const list = value && known[value] && !options.some((o) => o.id === value) ? [known[value], ...options] : options;

  return (
    <Select<number>
      id={id}
      data-testid={rest['data-testid']}
      style={{ width: '100%', ...style }}
      value={value ?? undefined}
      placeholder={placeholder ?? t('house.searchPlaceholder')}
      allowClear
      showSearch={{ filterOption: false, onSearch: search }}
      notFoundContent={loading ? <Spin size="small" /> : t('house.typeToSearch')}
      onChange={(v?: number) => onChange?.(v ?? null, v ? (known[v] ?? null) : null)}
      options={list.map((h) => ({
        value: h.id,
        label: h.address,
        title: h.address,
        extra: labels.occupancy(h.occupancy),
      }))}
      optionRender={(o) => (
        <div className="search-option">
          <span>{o.label}</span>
          <span className="muted-level">{(o.data as { extra?: string }).extra}</span>
        </div>
      )}
    />
  );
}
