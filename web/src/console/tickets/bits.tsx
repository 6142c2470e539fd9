/** Small pieces the ticket pages share: status and due tags, photos, the category picker, duplicates. */
import { Link } from 'react-router-dom';
import { Image, Space, Tag, TreeSelect, Typography } from 'antd';
import { useI18n } from '../../shared/i18n';
import {
  currentDeadline,
  describeDue,
  DUE_STATE_COLOR,
  STATUS_COLOR,
  uploadUrl,
  type DueState,
  type DuplicateDto,
  type TicketDto,
  type TicketStatus,
} from '../../shared/tickets';
import { formatMinute, useTicketLabels } from './labels';
import { useCategories } from './useCategories';

export function StatusTag({ status }: { status: TicketStatus | string }) {
  const labels = useTicketLabels();
  return (
    <Tag color={STATUS_COLOR[status as TicketStatus] ?? 'default'} style={{ marginInlineEnd: 0 }} data-testid="ticket-status">
      {labels.status(status)}
    </Tag>
  );
}

export function DueStateTag({ state }: { state: DueState }) {
  const labels = useTicketLabels();
  if (state === 'none') return null;
  return (
    <Tag color={DUE_STATE_COLOR[state]} variant="outlined" style={{ marginInlineEnd: 0 }} data-testid="ticket-due-state">
      {labels.dueState(state)}
    </Tag>
  );
}

type DueFields = Pick<TicketDto, 'status' | 'respondDueAt' | 'resolveDueAt' | 'respondedAt' | 'dueState'>;

/** The deadline that matters now, coloured by due state, with the time left (or over) in words. */
export function DeadlineCell({ ticket, compact }: { ticket: DueFields; compact?: boolean }) {
  const { t, lang } = useI18n();
  const d = currentDeadline(ticket);
  const words = describeDue(ticket, t, lang);
  if (!d && !words) return <Typography.Text type="secondary">—</Typography.Text>;
  const color = DUE_STATE_COLOR[ticket.dueState];
  return (
    <div className="ticket-deadline" style={{ color }}>
      {d && (
        <div className={compact ? 'mono' : undefined}>
          {t(d.kind === 'respond' ? 'ticket.dueKind.respond' : 'ticket.dueKind.resolve')} {formatMinute(d.at, lang)}
        </div>
      )}
      {words && <div className="ticket-deadline-words">{words}</div>}
    </div>
  );
}

/** Thumbnails of uploaded photos, click to enlarge. */
export function PhotoWall({ ids, size = 88, testId }: { ids: readonly string[]; size?: number; testId?: string }) {
  if (!ids.length) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Image.PreviewGroup>
      <Space wrap size={8} data-testid={testId}>
        {ids.map((id) => (
          <Image key={id} src={uploadUrl(id)} width={size} height={size} style={{ objectFit: 'cover', borderRadius: 4 }} alt="" />
        ))}
      </Space>
    </Image.PreviewGroup>
  );
}

interface CategorySelectProps {
  value?: string | null;
  onChange?: (code: string | undefined) => void;
  placeholder?: string;
  /** Only leaf categories can be picked (the new-ticket form wants the precise class). */
  leavesOnly?: boolean;
  allowClear?: boolean;
  style?: React.CSSProperties;
  id?: string;
  'data-testid'?: string;
}

/** The category catalogue as a searchable tree. */
export function CategoryTreeSelect({ value, onChange, placeholder, leavesOnly, allowClear = true, style, id, ...rest }: CategorySelectProps) {
  const { tree } = useCategories();
  type N = { value: string; title: string; selectable?: boolean; children?: N[] };
  const mark = (nodes: typeof tree): N[] =>
    nodes.map((n) => ({
      value: n.value,
      title: n.title,
      selectable: !leavesOnly || !n.children?.length,
      children: n.children ? mark(n.children) : undefined,
    }));
  return (
    <TreeSelect
      id={id}
      data-testid={rest['data-testid']}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v)}
      treeData={mark(tree)}
      placeholder={placeholder}
      allowClear={allowClear}
      showSearch
      treeNodeFilterProp="title"
      style={{ width: '100%', ...style }}
      popupMatchSelectWidth={false}
      listHeight={360}
    />
  );
}

/** Probable duplicates: nearby recent tickets of the same category, each a link to its detail. */
export function DuplicateList({ items }: { items: readonly DuplicateDto[] }) {
  const { t, lang } = useI18n();
  return (
    <div className="ticket-dups" data-testid="ticket-duplicates">
      {items.map((d) => (
        <div key={d.id} className="ticket-dup">
          <Space wrap size={8}>
            <Link to={`/tickets/${d.id}`} className="mono" data-testid={`dup-link-${d.id}`}>
              {d.no}
            </Link>
            <span>{d.title}</span>
            <StatusTag status={d.status} />
            <Typography.Text type="secondary">{t('ticket.dup.distance', { m: Math.round(d.distanceM) })}</Typography.Text>
            <Typography.Text type="secondary">{formatMinute(d.createdAt, lang)}</Typography.Text>
          </Space>
        </div>
      ))}
    </div>
  );
}
