import { useEffect, useRef, useState } from 'react';
import { Select } from 'antd';
import { useOrgLabels } from './labels';
import { sitesApi, type Site } from './api';

interface Props {
  value?: number | null;
  onChange?: (id: number | null) => void;
  placeholder?: string;
  id?: string;
}

/** Search parks and commercial buildings by name. */
export function SiteSelect({ value, onChange, placeholder, id }: Props) {
  const labels = useOrgLabels();
  const [options, setOptions] = useState<Site[]>([]);
  const [loading, setLoading] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const search = (q: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      setLoading(true);
      sitesApi
        .list({ q: q.trim() || undefined, limit: 20 })
        .then((p) => setOptions(p.items))
        .catch(() => setOptions([]))
        .finally(() => setLoading(false));
    }, 250);
  };

  useEffect(() => {
    search('');
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Make sure the current value has a label.
  useEffect(() => {
    if (value == null || options.some((o) => o.id === value)) return;
    sitesApi
      .get(value)
      .then((s) => setOptions((o) => (o.some((x) => x.id === s.id) ? o : [s, ...o])))
      .catch(() => undefined);
  }, [value, options]);

  return (
    <Select<number>
      id={id}
      showSearch={{ filterOption: false, onSearch: search }}
      allowClear
      loading={loading}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      placeholder={placeholder}
      options={options.map((s) => ({ value: s.id, label: `${s.name}（${labels.siteKind(s.kind)}）` }))}
      style={{ width: '100%' }}
    />
  );
}
