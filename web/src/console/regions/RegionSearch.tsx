import { useEffect, useRef, useState } from 'react';
import { AutoComplete, Input } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { regionsApi } from '../../shared/geo';
import { useT } from '../../shared/i18n';
import type { Region } from '../../shared/types';
import { useLabels } from '../labels';

/** Debounced search over GET /api/regions/search; picking a result calls onPick. */
export function RegionSearch({ onPick, style }: { onPick: (r: Region) => void; style?: React.CSSProperties }) {
  const t = useT();
  const labels = useLabels();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Region[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    const query = q.trim();
    if (!query) {
      setResults([]);
      setError(null);
      return;
    }
    const mine = ++seq.current;
    const timer = window.setTimeout(() => {
      setLoading(true);
      regionsApi
        .search(query, 20)
        .then((rs) => {
          if (mine !== seq.current) return;
          setResults(rs);
          setError(null);
        })
        .catch((err: unknown) => mine === seq.current && setError(errorMessage(err)))
        .finally(() => mine === seq.current && setLoading(false));
    }, 250);
    return () => window.clearTimeout(timer);
  }, [q]);

  const options = error
    ? [{ value: '__error', disabled: true, label: <span className="text-error">{error}</span> }]
    : results.map((r) => ({
        value: r.code,
        label: (
          <div className="search-option" data-testid={`region-search-${r.code}`}>
            <span>{r.name}</span>
            <span className="muted-level">
              {labels.level(r.level)} · {r.code}
            </span>
          </div>
        ),
      }));

  return (
    <AutoComplete
      value={q}
      options={options}
      onChange={setQ}
      onSelect={(code: string) => {
        const r = results.find((x) => x.code === code);
        if (r) onPick(r);
        setQ('');
      }}
      style={{ width: '100%', ...style }}
      popupMatchSelectWidth={360}
    >
      <Input
        allowClear
        prefix={<SearchOutlined />}
        placeholder={t('region.searchPlaceholder')}
        data-testid="region-search"
        suffix={loading ? <span className="muted-level">…</span> : undefined}
      />
    </AutoComplete>
  );
}
