import { useEffect, useRef, useState } from 'react';
import { Select, Space } from 'antd';
import { OPEN_STATUSES, ticketsApi, type DuplicateDto, type TicketDto } from '../../shared/tickets';
import { StatusTag } from './bits';

type Option = Pick<TicketDto, 'id' | 'no' | 'title' | 'status'>;

interface Props {
  value?: number;
  onChange?: (id: number | undefined) => void;
  /** offered before anything is typed (the probable duplicates) */
  suggestions: readonly DuplicateDto[];
  /** never offered (the ticket itself) */
  excludeId: number;
  placeholder?: string;
  id?: string;
  'data-testid'?: string;
}

/** Pick an open ticket by its number or title (the API wants the id, people know the number). */
export function TicketPicker({ value, onChange, suggestions, excludeId, placeholder, id, ...rest }: Props) {
  const [found, setFound] = useState<Option[]>([]);
  const [loading, setLoading] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  const ctl = useRef<AbortController | null>(null);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const search = (q: string) => {
    window.clearTimeout(timer.current);
    ctl.current?.abort();
    if (!q.trim()) {
      setFound([]);
      return;
    }
    timer.current = window.setTimeout(() => {
      const c = new AbortController();
      ctl.current = c;
      setLoading(true);
      ticketsApi
        .list({ q: q.trim(), status: OPEN_STATUSES.join(','), limit: 20 }, c.signal)
        .then((p) => setFound(p.items))
        .catch(() => undefined)
        .finally(() => !c.signal.aborted && setLoading(false));
    }, 300);
  };

  const seen = new Set<number>();
  const options = [...suggestions, ...found]
    .filter((o) => o.id !== excludeId && !seen.has(o.id) && seen.add(o.id))
    .map((o) => ({
      value: o.id,
      label: (
        <Space size={6}>
          <span className="mono">{o.no}</span>
          <span>{o.title}</span>
          <StatusTag status={o.status} />
        </Space>
      ),
    }));

  return (
    <Select<number>
      id={id}
      data-testid={rest['data-testid']}
      value={value}
      onChange={(v) => onChange?.(v)}
      options={options}
      showSearch={{ filterOption: false, onSearch: search }}
      loading={loading}
      placeholder={placeholder}
      allowClear
      style={{ width: '100%' }}
    />
  );
}
