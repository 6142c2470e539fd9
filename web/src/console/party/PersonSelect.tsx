import { useRef, useState } from 'react';
import { Select } from 'antd';
import { api } from '../../shared/api';
import type { Page } from '../../shared/types';

interface PersonHit {
  id: number;
  name: string;
  idNumber: string;
  address: string | null;
}

interface Props {
  value?: number | null;
  onChange?: (id: number | null) => void;
  placeholder?: string;
  id?: string;
  'data-testid'?: string;
}

const looksLikeId = (s: string) => /^\d{6,17}[\dXx]?$/.test(s);

/** Find a resident by name, or by full ID number (matched exactly by the server's blind index). */
export function PersonSelect({ value, onChange, placeholder, id, ...rest }: Props) {
  const [options, setOptions] = useState<PersonHit[]>([]);
  const [loading, setLoading] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const search = (raw: string) => {
    const q = raw.trim();
    if (timer.current) clearTimeout(timer.current);
    if (!q) return;
    timer.current = setTimeout(() => {
      setLoading(true);
      const query = looksLikeId(q) ? { idNumber: q.toUpperCase(), limit: 20 } : { q, limit: 20 };
      api
        .get<Page<PersonHit>>('/api/people', query)
        .then((p) => setOptions(p.items))
        .catch(() => setOptions([]))
        .finally(() => setLoading(false));
    }, 300);
  };

  return (
    <Select<number>
      id={id}
      data-testid={rest['data-testid']}
      showSearch={{ filterOption: false, onSearch: search }}
      allowClear
      loading={loading}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      placeholder={placeholder}
      notFoundContent={null}
      options={options.map((p) => ({
        value: p.id,
        label: (
          <span>
            {p.name} <span className="mono muted-level">{p.idNumber}</span>
            {p.address && <span className="muted-level">{p.address}</span>}
          </span>
        ),
      }))}
      style={{ width: '100%' }}
    />
  );
}
